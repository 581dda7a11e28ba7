namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>squeue -r -h -o '%i|%T|%r|%N'</c>: one <c>id|STATE|reason|nodes</c> line per job still in the queue, and with
/// <c>-r</c> one per array task (<c>4211_17</c>); a range of pending tasks, should one come, stands for each of them.
/// </summary>
internal static class SqueueParser
{
    public const string Format = "%i|%T|%r|%N";

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

            foreach (var id in SlurmArrayIds.Expand(fields[0].Trim()))
            {
                rows[id] = new SlurmJobRow(
                    id,
                    SlurmStates.Normalize(fields[1]),
                    Reason: SlurmText.Field(fields, 2, "None", "(null)"),
                    Nodes: SlurmText.Field(fields, 3, "(null)"));
            }
        }

        return rows;
    }
}
