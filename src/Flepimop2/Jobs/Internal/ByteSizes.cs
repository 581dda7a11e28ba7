using System.Globalization;

namespace Flepimop2.Jobs.Internal;

/// <summary>Sizes in bytes as a person reads them and as a scheduler takes them, for reasons and retry advice.</summary>
internal static class ByteSizes
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// The memory to ask for next time: the next power of two strictly above <paramref name="bytes"/>, with the largest
    /// binary unit that keeps it whole (<c>512M</c>, <c>2G</c>, <c>1T</c>: both Slurm and Grid Engine read it); at least <c>1M</c>.
    /// </summary>
    public static string NextPowerOfTwoAbove(long bytes)
    {
        var mib = 1L;
        while (mib * MiB <= bytes && mib < (1L << 40))
        {
            mib <<= 1;
        }

        return mib >= 1L << 20 ? Whole(mib >> 20, 'T') : mib >= 1024 ? Whole(mib >> 10, 'G') : Whole(mib, 'M');
    }

    /// <summary>A size for a sentence: <c>314.6M</c>, <c>100M</c>, <c>1.5G</c> (one decimal at most, binary units).</summary>
    public static string Human(long bytes)
    {
        const string Units = "KMGTP";
        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var number = Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
        return unit < 0 ? number + "B" : number + Units[unit];
    }

    private static string Whole(long amount, char unit) => amount.ToString(CultureInfo.InvariantCulture) + unit;
}
