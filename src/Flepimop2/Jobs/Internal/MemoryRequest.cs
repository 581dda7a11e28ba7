using System.Globalization;
using System.Text.RegularExpressions;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// A memory request for <c>sbatch --mem</c>: a whole amount and an upper-case unit (K, M, G, T; powers of 1024).
/// Slurm accepts only whole amounts, so a fraction is moved into a smaller unit (<c>2.5T</c> becomes <c>2560G</c>).
/// </summary>
internal readonly partial record struct MemoryRequest(long Amount, char Unit)
{
    private const string Units = "KMGT";

    /// <summary>The amount in kilobytes (KiB), for comparing requests written in different units.</summary>
    public decimal Kilobytes => (decimal)Amount * Pow1024(Units.IndexOf(Unit, StringComparison.Ordinal));

    /// <summary>Parses <c>4G</c>, <c>500m</c>, <c>2.5T</c>, or a bare number of megabytes; the amount must be above zero.</summary>
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

        if (amount != decimal.Truncate(amount) || amount <= 0 || amount > long.MaxValue / Pow1024(3))
        {
            return false;
        }

        memory = new MemoryRequest((long)amount, Units[unit]);
        return true;
    }

    /// <summary>The form <c>sbatch --mem</c> takes, for example <c>4G</c>.</summary>
    public override string ToString() => Amount.ToString(CultureInfo.InvariantCulture) + Unit;

    private static long Pow1024(int power) => 1L << (10 * power);

    // At most 15 integer digits keep every value inside the range checked above without decimal overflow.
    [GeneratedRegex(@"^(?<amount>[0-9]{1,15}(\.[0-9]{1,12})?)(?<unit>[KMGTkmgt])?$")]
    private static partial Regex Pattern();
}
