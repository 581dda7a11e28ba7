namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>Small helpers shared by the parsers of Slurm tool output.</summary>
internal static class SlurmText
{
    public static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);

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
