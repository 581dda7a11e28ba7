namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>Small helpers shared by the parsers of Slurm tool output.</summary>
internal static class SlurmText
{
    public static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);

    /// <summary>
    /// Adds the rows one id field stands for (itself, or each task of a range; see <see cref="SlurmArrayIds"/>): a task's
    /// own line wins over a range, and of two lines of the same kind the last.
    /// </summary>
    public static void AddRows(Dictionary<string, SlurmJobRow> rows, string idField, Func<string, bool, SlurmJobRow> row)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(row);
        var range = SlurmArrayIds.IsRange(idField);
        foreach (var id in SlurmArrayIds.Expand(idField))
        {
            if (!range || !rows.TryGetValue(id, out var own) || own.FromRange)
            {
                rows[id] = row(id, range);
            }
        }
    }

    /// <summary>A trimmed field, or null when missing, empty, or one of the placeholders a tool prints for "none".</summary>
    public static string? Field(string[] fields, int index, params string[] none)
    {
        if (index >= fields.Length)
        {
            return null;
        }

        var value = fields[index].Trim();
        return value.Length == 0 || none.Contains(value, StringComparer.Ordinal) ? null : value;
    }
}
