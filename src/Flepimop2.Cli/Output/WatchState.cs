using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Output;

/// <summary>
/// Turns each round of a wait into rows: remembers when each job was first seen finished, so that its elapsed time stops
/// there instead of growing for as long as the others run.
/// </summary>
internal sealed class WatchState(TimeProvider clock)
{
    private readonly Dictionary<string, DateTimeOffset> _finishedAt = new(StringComparer.Ordinal);

    /// <summary>A row per job, in the order given (each key once).</summary>
    public IReadOnlyList<WatchRow> Rows(JobWaitProgress progress) => Rows(progress, progress.Jobs);

    /// <summary>A row for each of <paramref name="jobs"/>, as <paramref name="progress"/> has it.</summary>
    public IReadOnlyList<WatchRow> Rows(JobWaitProgress progress, IEnumerable<StoredJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var now = clock.GetUtcNow();
        var rows = new List<WatchRow>();
        foreach (var job in jobs.DistinctBy(j => j.Key))
        {
            var result = progress.Latest.GetValueOrDefault(job.Key);
            if (result is { } finished && finished.Status.IsFinished())
            {
                _finishedAt.TryAdd(job.Key, now);
            }

            var end = _finishedAt.TryGetValue(job.Key, out var at) ? at : now;
            rows.Add(new WatchRow(
                job.Key,
                WatchRow.TargetOf(job.Handle),
                result?.Status.ToWireName() ?? "unknown",
                end - job.Handle.SubmittedAt,
                result?.Sweep?.Counts()));
        }

        return rows;
    }
}
