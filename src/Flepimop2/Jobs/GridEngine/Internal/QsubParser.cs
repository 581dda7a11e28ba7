namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>Reads what <c>qsub -terse</c> prints: <c>31</c> for a job, <c>32.1-5:1</c> for an array job (its id, then its task range).</summary>
internal static class QsubParser
{
    /// <summary>The job id, or null when the output holds none.</summary>
    public static string? Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => l.Length > 0 && char.IsAsciiDigit(l[0]));
        if (line is null)
        {
            return null;
        }

        var dot = line.IndexOf('.', StringComparison.Ordinal);
        var id = dot < 0 ? line : line[..dot];
        return IsJobId(id) ? id : null;
    }

    /// <summary>Whether text is a Grid Engine job id: digits only, not starting with 0.</summary>
    public static bool IsJobId(string? text) =>
        text is { Length: > 0 and < 12 } && text[0] != '0' && text.All(char.IsAsciiDigit);
}
