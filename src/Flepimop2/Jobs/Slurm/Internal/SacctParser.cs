using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>sacct -X -P -n -o JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList</c>: one
/// <c>id|raw id|STATE|code:signal|elapsed|nodes</c> line per job (allocations only, so no <c>.batch</c> steps). A job is
/// keyed by its <c>JobID</c>: an ordinary job's is its raw id, an array task's is <c>4211_17</c>, and pending tasks come as
/// one line for a range (<c>4211_[20-999%50]</c>), which stands for each of them. A task's own line wins over a range; of
/// two lines of the same kind, the last. A range is read only as <c>PENDING</c> or <c>CANCELLED</c> (tasks cancelled before
/// they started): its state is that of the array's own record, which the array's last task takes over when it starts, so a
/// range showing <c>FAILED</c> tells the end of that task, not of the range's.
/// </summary>
internal static class SacctParser
{
    public const string Fields = "JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList";

    public static Dictionary<string, SlurmJobRow> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var rows = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
        foreach (var line in SlurmText.Lines(stdout))
        {
            var fields = line.Split('|');
            if (fields.Length < 3 || fields[0].Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            var (code, signal) = ParseExitCode(SlurmText.Field(fields, 3));
            var jobId = fields[0].Trim();
            var state = SlurmStates.Normalize(fields[2]);
            var range = SlurmArrayIds.IsRange(jobId);
            if (range && state is not ("PENDING" or "CANCELLED"))
            {
                continue;
            }

            var elapsed = SlurmText.Field(fields, 4);
            var nodes = SlurmText.Field(fields, 5, "None assigned", "(null)");
            var cancelledBy = CancelledBy(fields[2]);
            SlurmText.AddRows(rows, jobId, (id, fromRange) => new SlurmJobRow(id, state, code, signal, elapsed, nodes, CancelledBy: cancelledBy, FromRange: fromRange));
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
