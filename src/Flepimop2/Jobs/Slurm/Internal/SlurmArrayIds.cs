using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Slurm's ids of array tasks as the tools print them: one task <c>4211_17</c>, or a range of pending ones
/// <c>4211_[20-999%50]</c> (also <c>4211_[1,3,5-7]</c>), which is read as every task it names.
/// </summary>
internal static class SlurmArrayIds
{
    /// <summary>The most tasks one range may expand to: a real array is smaller than this, a hostile line is not.</summary>
    private const int MaxExpansion = 1_000_000;

    /// <summary>Whether an id field is a range of tasks (<c>4211_[20-999%50]</c>) rather than one job or task.</summary>
    public static bool IsRange(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Contains("_[", StringComparison.Ordinal) && id.EndsWith(']');
    }

    /// <summary>The ids an id field stands for: itself, or each task of a range.</summary>
    public static IEnumerable<string> Expand(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var open = id.IndexOf("_[", StringComparison.Ordinal);
        if (open < 0 || !id.EndsWith(']'))
        {
            yield return id;
            yield break;
        }

        var array = id[..open];
        var body = id[(open + 2)..^1];
        var percent = body.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            body = body[..percent];
        }

        var produced = 0;
        foreach (var part in body.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (!Number(dash < 0 ? part : part[..dash], out var from) || !Number(dash < 0 ? part : part[(dash + 1)..], out var to) || to < from)
            {
                continue;
            }

            for (long i = from; i <= to && produced < MaxExpansion; i++, produced++)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{array}_{i}");
            }
        }
    }

    private static bool Number(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
