using System.Text.RegularExpressions;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>scontrol show job -o</c>: one line of <c>Key=Value</c> pairs per job the controller still holds.
/// Used only when accounting is disabled, so that finished jobs still show their exit code until the controller forgets them.
/// </summary>
internal static partial class ScontrolParser
{
    public static Dictionary<string, SlurmJobRow> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var rows = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
        foreach (var line in SlurmText.Lines(stdout))
        {
            var id = Value(line, "JobId");
            var state = Value(line, "JobState");
            if (id is null || state is null)
            {
                continue;
            }

            var (code, signal) = SacctParser.ParseExitCode(Value(line, "ExitCode"));
            rows[id] = new SlurmJobRow(
                id,
                SlurmStates.Normalize(state),
                code,
                signal,
                Value(line, "RunTime"),
                Value(line, "NodeList") is { } nodes && nodes != "(null)" ? nodes : null,
                Value(line, "Reason") is { } reason && reason != "None" ? reason : null);
        }

        return rows;
    }

    // The fields read here never hold spaces; values that may (JobName, Command) are not read.
    private static string? Value(string line, string key)
    {
        var match = Pair().Match(line);
        while (match.Success)
        {
            if (match.Groups["key"].Value == key)
            {
                return match.Groups["value"].Value;
            }

            match = match.NextMatch();
        }

        return null;
    }

    [GeneratedRegex(@"(?:^|\s)(?<key>[A-Za-z/:]+)=(?<value>\S*)")]
    private static partial Regex Pair();
}
