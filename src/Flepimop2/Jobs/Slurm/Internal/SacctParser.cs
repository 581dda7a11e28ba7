using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>sacct -X -P -n -o JobIDRaw,State,ExitCode,Elapsed,NodeList</c>: one <c>id|STATE|code:signal|elapsed|nodes</c>
/// line per job (allocations only, so no <c>.batch</c> steps). The last line for an id wins.
/// </summary>
internal static class SacctParser
{
    public const string Fields = "JobIDRaw,State,ExitCode,Elapsed,NodeList";

    public static Dictionary<string, SlurmJobRow> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var rows = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
        foreach (var line in SlurmText.Lines(stdout))
        {
            var fields = line.Split('|');
            if (fields.Length < 2 || fields[0].Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            var id = fields[0].Trim();
            var (code, signal) = ParseExitCode(SlurmText.Field(fields, 2));
            rows[id] = new SlurmJobRow(
                id,
                SlurmStates.Normalize(fields[1]),
                code,
                signal,
                SlurmText.Field(fields, 3),
                SlurmText.Field(fields, 4, "None assigned", "(null)"),
                CancelledBy: CancelledBy(fields[1]));
        }

        return rows;
    }

    /// <summary>Splits Slurm's <c>code:signal</c>, for example <c>7:0</c> or <c>0:15</c>.</summary>
    public static (int? Code, int? Signal) ParseExitCode(string? text)
    {
        if (text is null)
        {
            return (null, null);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var codeText = colon < 0 ? text : text[..colon];
        var signalText = colon < 0 ? null : text[(colon + 1)..];
        return (Number(codeText), Number(signalText));

        static int? Number(string? s) =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string? CancelledBy(string state)
    {
        const string Marker = " by ";
        var at = state.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? null : state[(at + Marker.Length)..].Trim();
    }
}
