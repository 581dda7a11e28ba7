using System.Globalization;
using System.Text.RegularExpressions;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>scontrol show job -o</c>: one line of <c>Key=Value</c> pairs per job the controller still holds.
/// Used only when accounting is disabled, so that finished jobs still show their exit code until the controller forgets them.
/// An array task is keyed both by its own id and as <c>{array}_{index}</c>, as <c>squeue</c> and <c>sacct</c> name it.
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
            var row = new SlurmJobRow(
                id,
                SlurmStates.Normalize(state),
                code,
                signal,
                Value(line, "RunTime"),
                Value(line, "NodeList") is { } nodes && nodes != "(null)" ? nodes : null,
                Value(line, "Reason") is { } reason && reason != "None" ? reason : null,
                Restarts: int.TryParse(Value(line, "Restarts"), NumberStyles.None, CultureInfo.InvariantCulture, out var restarts) ? restarts : null);
            rows[id] = row;

            // An array task is also known by its array's id and its index (ArrayJobId=144 ArrayTaskId=0, or a pending range 2-9%2).
            if (Value(line, "ArrayJobId") is { } array && Value(line, "ArrayTaskId") is { } task)
            {
                foreach (var taskId in SlurmArrayIds.Expand(task.Contains('-', StringComparison.Ordinal) || task.Contains(',', StringComparison.Ordinal) ? $"{array}_[{task}]" : $"{array}_{task}"))
                {
                    rows[taskId] = row with { JobId = taskId };
                }
            }
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
