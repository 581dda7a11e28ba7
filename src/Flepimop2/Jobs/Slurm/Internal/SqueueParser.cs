using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>squeue -t all -r -h -O 'JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:'</c>: one
/// <c>id|STATE|reason|nodes|restarts</c> line per job the controller holds (with <c>-t all</c> those that ended in the last
/// minutes too), and with <c>-r</c> one per array task (<c>4211_17</c>); a range of pending tasks, should one come, stands for
/// each of them, and a task's own line wins over it.
/// </summary>
/// <remarks>
/// The long form <c>-O</c> is used because the restart count has no letter of the short form <c>-o</c>; its fields are the
/// short form's <c>%i|%T|%r|%N</c>, and a field size left empty (<c>State:|</c>) prints the value whole, without padding.
/// </remarks>
internal static class SqueueParser
{
    public const string Format = "JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:";

    /// <summary>
    /// The fields of <c>--only-job-state</c>: its answer holds nothing but ids and states (squeue would print <c>None</c>,
    /// nothing and <c>0</c> for reason, nodes and restarts, which are not the job's), so its rows have those as null.
    /// </summary>
    public const string StateFormat = "JobArrayID:|,State:|";

    public static Dictionary<string, SlurmJobRow> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var rows = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
        foreach (var line in SlurmText.Lines(stdout))
        {
            var fields = line.Split('|');
            if (fields.Length < 2 || line.StartsWith("CLUSTER:", StringComparison.Ordinal))
            {
                continue;
            }

            var state = SlurmStates.Normalize(fields[1]);
            var reason = SlurmText.Field(fields, 2, "None", "(null)");
            var nodes = SlurmText.Field(fields, 3, "(null)");
            var restarts = int.TryParse(SlurmText.Field(fields, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : (int?)null;
            SlurmText.AddRows(rows, fields[0].Trim(), (id, fromRange) => new SlurmJobRow(id, state, Reason: reason, Nodes: nodes, FromRange: fromRange, Restarts: restarts));
        }

        return rows;
    }
}
