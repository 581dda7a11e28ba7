using Flepimop2.Jobs;

namespace Flepimop2.Store;

/// <summary>Where the jobs being waited for stand after one round of status queries.</summary>
/// <param name="Jobs">The jobs waited for, in the order given.</param>
/// <param name="Latest">The newest answer for each job that has one, by key.</param>
/// <param name="Elapsed">How long the wait has gone on.</param>
public sealed record JobWaitProgress(IReadOnlyList<StoredJob> Jobs, IReadOnlyDictionary<string, JobStatusResult> Latest, TimeSpan Elapsed)
{
    /// <summary>Which round of status queries this is, from 1 (0 before the first).</summary>
    public int Round { get; init; }

    /// <summary>
    /// The jobs whose status (or, for a sweep, count of tasks in some status) this round changed, in the order given; in the
    /// first round, every job that got an answer.
    /// </summary>
    public IReadOnlyList<StoredJob> Changed { get; init; } = [];

    /// <summary>The jobs not known to have finished.</summary>
    public IReadOnlyList<StoredJob> Unfinished => [.. Jobs.Where(j => !(Latest.TryGetValue(j.Key, out var r) && r.Status.IsFinished()))];

    /// <summary>Whether every job finished and succeeded.</summary>
    public bool AllSucceeded => Jobs.All(j => Latest.TryGetValue(j.Key, out var r) && r.Status == JobStatus.Successful);

    /// <summary>How many jobs are in each status (<c>unknown</c> for jobs without an answer), for a progress line.</summary>
    /// <returns>Status names and counts, sorted by name.</returns>
    public IReadOnlyList<(string Status, int Count)> Counts() =>
        [.. Jobs
            .GroupBy(j => Latest.TryGetValue(j.Key, out var r) ? r.Status.ToWireName() : "unknown")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))];
}
