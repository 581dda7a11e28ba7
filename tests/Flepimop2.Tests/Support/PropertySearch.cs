using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Support;

/// <summary>
/// Where the random cases of the property tests come from. In CI, and by default, from a fixed seed: every run checks the
/// same cases, so a red run means a regression, never chance, and a counterexample found once is kept as a regular test.
/// Outside CI the search widens: <c>FLEPIMOP2_PROPERTY_SEED=S,G</c> (FsCheck's replay pair; the gamma odd) picks other
/// cases, and <c>FLEPIMOP2_PROPERTY_RUNS=N</c> checks N times as many of each; <c>scripts/properties.sh</c> runs rounds of
/// both with fresh seeds and says how to replay a failure.
/// </summary>
public static class PropertySearch
{
    /// <summary>The seed CI uses: FsCheck's replay pair (seed, odd gamma).</summary>
    public const string FixedSeed = "20261204,11400714819323198485";

    /// <summary>The seed of this run, as FsCheck's <c>Replay</c> takes it.</summary>
    public static string Seed { get; } = Environment.GetEnvironmentVariable("FLEPIMOP2_PROPERTY_SEED") is { Length: > 0 } seed ? seed : FixedSeed;

    /// <summary>How many times each property's own count of cases this run checks (1 unless FLEPIMOP2_PROPERTY_RUNS says).</summary>
    public static int Runs { get; } = int.TryParse(Environment.GetEnvironmentVariable("FLEPIMOP2_PROPERTY_RUNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var runs) && runs > 0 ? runs : 1;

    /// <summary>The random generator of <see cref="Seed"/>.</summary>
    public static Rnd Random => Parse(Seed);

    /// <summary>A replay pair, <c>S,G</c> or <c>(S,G)</c>, as a generator; FsCheck refuses an even gamma.</summary>
    public static Rnd Parse(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var parts = seed.Trim('(', ')').Split(',');
        return new Rnd(ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A property's count of cases, times <see cref="Runs"/>.</summary>
    public static int Scale(int cases) => (int)Math.Min(int.MaxValue, (long)cases * Runs);

    /// <summary>
    /// <paramref name="count"/> values of a generator from this run's seed, for a test that checks many values at once (one
    /// shell, one cluster job for all of them) rather than one case at a time: the same values in every CI run.
    /// </summary>
    public static T[] SampleSeeded<T>(this Gen<T> generator, int count) => generator.Sample(count, Random, 50);
}
