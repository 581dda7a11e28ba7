using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Slurm's printed quantities as numbers: sizes (<c>322180K</c>, <c>1.50G</c>, <c>0</c>), memory requests (<c>50M</c>, and
/// the <c>4Gn</c> per node and <c>4Gc</c> per CPU of Slurm before 21.08) and durations (<c>00:00.001</c> as MM:SS.mmm,
/// <c>00:01:18</c>, <c>1-02:03:04</c>). Spans in, no strings made: <see cref="SacctParser"/> reads tens of thousands of them.
/// </summary>
internal static class SlurmUnits
{
    /// <summary>A size with Slurm's binary suffix (K, M, G, T, P; powers of 1024) in bytes; a bare number is bytes.</summary>
    public static bool TryBytes(ReadOnlySpan<char> text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        var power = Power(text[^1]);
        if (power > 0)
        {
            text = text[..^1];
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var scaled = amount;
        for (var i = 0; i < power; i++)
        {
            // A size beyond what a long holds is no real measurement.
            if (scaled > long.MaxValue / 1024m)
            {
                return false;
            }

            scaled *= 1024;
        }

        bytes = (long)decimal.Round(scaled, MidpointRounding.AwayFromZero);
        return true;
    }

    /// <summary>
    /// <c>ReqMem</c> in bytes: what the job asked for in all (Slurm 21.08 and later print that, <c>120M</c> for 60M per CPU
    /// on 2 CPUs). An older per-CPU form (<c>4Gc</c>) is multiplied by <paramref name="allocCpus"/>; a per-node form
    /// (<c>4Gn</c>) is taken as it is, the memory of the node its largest step ran on. Zero means no request.
    /// </summary>
    public static bool TryRequestedMemory(ReadOnlySpan<char> text, int? allocCpus, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        var perCpu = text[^1] is 'c' or 'C';
        if (perCpu || text[^1] is 'n' or 'N')
        {
            text = text[..^1];
        }

        if (!TryBytes(text, out bytes) || bytes <= 0 || (perCpu && allocCpus is not > 0))
        {
            return false;
        }

        if (perCpu)
        {
            bytes *= allocCpus!.Value;
        }

        return true;
    }

    /// <summary>
    /// A duration in seconds: <c>[D-][HH:]MM:SS[.mmm]</c> (sacct's <c>Elapsed</c>, <c>TotalCPU</c>, <c>Timelimit</c>), or
    /// <c>D-HH</c> and <c>D-HH:MM</c>. Words (<c>UNLIMITED</c>, <c>Partition_Limit</c>, <c>INVALID</c>) are no duration.
    /// </summary>
    public static bool TrySeconds(ReadOnlySpan<char> text, out double seconds)
    {
        seconds = 0;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        long days = 0;
        var dash = text.IndexOf('-');
        var hasDays = dash >= 0;
        if (hasDays)
        {
            if (!long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out days))
            {
                return false;
            }

            text = text[(dash + 1)..];
        }

        Span<double> fields = stackalloc double[3];
        var count = 0;
        foreach (var range in text.Split(':'))
        {
            var part = text[range];
            if (count == 3 || part.IsEmpty || !double.TryParse(part, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out fields[count]))
            {
                return false;
            }

            count++;
        }

        // With days the fields are H[:M[:S]]; without, M:S or H:M:S (a single number is not a form sacct prints).
        var (h, m, s) = (hasDays, count) switch
        {
            (true, 1) => (fields[0], 0d, 0d),
            (true, 2) => (fields[0], fields[1], 0d),
            (_, 3) => (fields[0], fields[1], fields[2]),
            (false, 2) => (0d, fields[0], fields[1]),
            _ => (-1d, 0d, 0d),
        };
        if (h < 0)
        {
            return false;
        }

        seconds = (days * 86_400d) + (h * 3600) + (m * 60) + s;
        return true;
    }

    private static int Power(char suffix) => suffix switch
    {
        'K' or 'k' => 1,
        'M' or 'm' => 2,
        'G' or 'g' => 3,
        'T' or 't' => 4,
        'P' or 'p' => 5,
        _ => 0,
    };
}
