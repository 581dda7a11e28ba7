using System.Globalization;
using System.Text.RegularExpressions;

namespace Flepimop2.Jobs;

/// <summary>
/// An amount of memory as schedulers take it: a whole amount and an upper-case binary unit (<c>K</c>, <c>M</c>, <c>G</c>,
/// <c>T</c>; powers of 1024), for example <c>4G</c>. Schedulers accept only whole amounts, so a fraction is moved into a
/// smaller unit when parsed (<c>2.5T</c> becomes <c>2560G</c>).
/// </summary>
public readonly partial record struct MemoryRequest
{
    private const string Units = "KMGT";

    private MemoryRequest(long amount, char unit)
    {
        Amount = amount;
        Unit = unit;
    }

    /// <summary>The whole amount, in <see cref="Unit"/>s.</summary>
    public long Amount { get; }

    /// <summary>The unit: <c>K</c>, <c>M</c>, <c>G</c> or <c>T</c>.</summary>
    public char Unit { get; }

    /// <summary>The amount in bytes.</summary>
    public long Bytes => Amount << (10 * (Units.IndexOf(Unit, StringComparison.Ordinal) + 1));

    /// <summary>
    /// The smallest request of at least <paramref name="bytes"/>, in the largest unit that keeps it whole after rounding up to
    /// whole mebibytes (<c>1536M</c>, <c>2G</c>); at least <c>1M</c>.
    /// </summary>
    /// <param name="bytes">The least amount to ask for.</param>
    /// <returns>The request.</returns>
    public static MemoryRequest AtLeast(long bytes)
    {
        const long MiB = 1024 * 1024;
        var mebibytes = Math.Max(1, (Math.Max(bytes, 0) + MiB - 1) / MiB);
        return mebibytes % (1024 * 1024) == 0 ? new(mebibytes >> 20, 'T')
            : mebibytes % 1024 == 0 ? new(mebibytes >> 10, 'G')
            : new(mebibytes, 'M');
    }

    /// <summary>Parses <c>4G</c>, <c>500m</c>, <c>2.5T</c>, or a bare number of megabytes.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The request.</returns>
    /// <exception cref="FormatException">The text is not a size above zero.</exception>
    public static MemoryRequest Parse(string text) =>
        TryParse(text, out var memory) ? memory : throw new FormatException($"expected a size like 4G, 500M or a number of megabytes, got '{text}'");

    /// <summary>Parses <c>4G</c>, <c>500m</c>, <c>2.5T</c>, or a bare number of megabytes; the amount must be above zero.</summary>
    /// <param name="text">The text.</param>
    /// <param name="memory">The request, when the text is one.</param>
    /// <returns>Whether the text is a size above zero (and below 8 EiB).</returns>
    public static bool TryParse(string? text, out MemoryRequest memory)
    {
        memory = default;
        var match = text is null ? Match.Empty : Pattern().Match(text.Trim());
        if (!match.Success
            || !decimal.TryParse(match.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var unit = match.Groups["unit"].Success ? Units.IndexOf(char.ToUpperInvariant(match.Groups["unit"].Value[0]), StringComparison.Ordinal) : 1;
        while (amount != decimal.Truncate(amount) && unit > 0)
        {
            amount *= 1024;
            unit--;
        }

        // The amount in bytes must fit a long, so every figure derived from it does.
        if (amount != decimal.Truncate(amount) || amount <= 0 || amount > (long.MaxValue >> (10 * (unit + 1))))
        {
            return false;
        }

        memory = new MemoryRequest((long)amount, Units[unit]);
        return true;
    }

    /// <summary>The amount and its unit, as <c>sbatch --mem</c> and <c>qsub -l h_vmem=</c> take it, for example <c>4G</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Amount.ToString(CultureInfo.InvariantCulture) + Unit;

    // At most 15 integer digits keep every value inside the range checked above without decimal overflow.
    [GeneratedRegex(@"^(?<amount>[0-9]{1,15}(\.[0-9]{1,12})?)(?<unit>[KMGTkmgt])?$")]
    private static partial Regex Pattern();
}
