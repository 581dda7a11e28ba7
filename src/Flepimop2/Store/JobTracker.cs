using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flepimop2.Store;

/// <summary>
/// Answers "where does each job stand": reads the store, asks backends only about jobs not known to be
/// finished (one batched call per backend), and records what it learns. A backend that cannot be asked
/// makes its jobs <c>unknown</c> with a warning; it never stops the others being listed.
/// </summary>
public sealed class JobTracker
{
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;

    /// <summary>Creates a tracker over a store.</summary>
    /// <param name="store">The store.</param>
    /// <param name="logger">Where warnings go; none when null.</param>
    /// <param name="clock">The clock for waits and for the runners it builds; the system clock when null.</param>
    public JobTracker(JobStore store, ILogger? logger = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _logger = logger ?? NullLogger.Instance;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The store.</summary>
    public JobStore Store { get; }

    /// <summary>Lists every job with its current status, oldest first.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The jobs.</returns>
    public async Task<IReadOnlyList<TrackedJob>> ListAsync(CancellationToken cancellationToken = default)
    {
        var (listing, unfinished) = ReadUnfinished(cancellationToken);
        var fresh = await RefreshAsync(unfinished, cancellationToken).ConfigureAwait(false);
        return listing.Jobs
            .Select(e => e.IsKnownFinished
                ? new TrackedJob(e, e.Status, null)
                : fresh.TryGetValue(e.Key, out var r) ? new TrackedJob(e, r.Status, r) : new TrackedJob(e, null, null))
            .ToList();
    }

    /// <summary>
    /// The jobs of the store not known to have finished, oldest first, as the store has them (no backend is asked): what
    /// <c>job list</c> would ask about, and what <c>job watch</c> without keys watches.
    /// </summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The jobs; one whose handle file cannot be read is left out with a warning.</returns>
    public IReadOnlyList<StoredJob> Unfinished(CancellationToken cancellationToken = default) => ReadUnfinished(cancellationToken).Jobs;

    private (JobListing Listing, List<StoredJob> Jobs) ReadUnfinished(CancellationToken cancellationToken)
    {
        var listing = Store.List(cancellationToken);
        foreach (var warning in listing.Warnings)
        {
            _logger.LogWarning("{Warning}", warning);
        }

        var unfinished = new List<StoredJob>();
        foreach (var entry in listing.Jobs.Where(e => !e.IsKnownFinished))
        {
            try
            {
                unfinished.Add(Store.Load(entry.Key));
            }
            catch (JobNotFoundException)
            {
                // Its missing handle file was reported with the listing's warnings.
            }
            catch (Flepimop2Exception ex)
            {
                _logger.LogWarning("{Message}", ex.Message);
            }
        }

        return (listing, unfinished);
    }

    /// <summary>Asks the backends about these jobs (batched per backend) and records the answers.</summary>
    /// <param name="jobs">The jobs.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>Results by key; a job whose backend could not answer is absent.</returns>
    public async Task<IReadOnlyDictionary<string, JobStatusResult>> RefreshAsync(IReadOnlyList<StoredJob> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var results = new Dictionary<string, JobStatusResult>(StringComparer.Ordinal);
        foreach (var group in jobs.GroupBy(j => ModuleOf(j)))
        {
            var batch = group.ToList();
            try
            {
                var runner = BuildRunner(batch, _clock);
                var answers = await runner.StatusManyAsync([.. batch.Select(j => j.Handle)], cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    results[batch[i].Key] = answers[i];
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Whatever one backend does wrong, the jobs of the others are still listed.
                _logger.LogWarning(
                    "could not get the status of {Count} {Module} job(s) ({Keys}): {Message}",
                    batch.Count,
                    group.Key,
                    string.Join(", ", batch.Take(5).Select(j => j.Key)) + (batch.Count > 5 ? ", ..." : string.Empty),
                    ex.Message);
            }
        }

        Record(results.Values, cancellationToken);
        return results;
    }

    /// <summary>Waits with <see cref="JobWaitOptions.Default"/> and the given timeout; see <see cref="WaitAsync(IReadOnlyList{StoredJob}, JobWaitOptions, IProgress{JobWaitProgress}?, CancellationToken)"/>.</summary>
    /// <param name="jobs">The jobs.</param>
    /// <param name="timeout">When to give up; never when null.</param>
    /// <param name="progress">Told where the jobs stand after each round.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>Where the jobs stand at the end; <see cref="JobWaitProgress.Unfinished"/> is empty unless the wait timed out.</returns>
    public Task<JobWaitProgress> WaitAsync(IReadOnlyList<StoredJob> jobs, TimeSpan? timeout = null, IProgress<JobWaitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        WaitAsync(jobs, JobWaitOptions.Default with { Timeout = timeout }, progress, cancellationToken);

    /// <summary>
    /// Waits until every job has finished, or until the options' timeout. Each round asks the backends about the unfinished
    /// jobs in one batch per backend (as <see cref="RefreshAsync"/> does, never a call per job or per task), tells
    /// <paramref name="progress"/>, then pauses: <see cref="JobWaitOptions.Interval"/> after a round that changed something, half
    /// again as long after each round that changed nothing, up to <see cref="JobWaitOptions.LongestPause"/>. A wait on jobs that
    /// sit in the queue for hours thus costs the scheduler little, and one on jobs that move is told of each move soon.
    /// </summary>
    /// <param name="jobs">The jobs.</param>
    /// <param name="options">The pace and the timeout.</param>
    /// <param name="progress">Told where the jobs stand after each round, on the thread that waits (the wait goes on once it returns).</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>Where the jobs stand at the end; <see cref="JobWaitProgress.Unfinished"/> is empty unless the wait timed out.</returns>
    public async Task<JobWaitProgress> WaitAsync(IReadOnlyList<StoredJob> jobs, JobWaitOptions options, IProgress<JobWaitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(options);
        var started = _clock.GetTimestamp();
        var pause = options.Interval;
        var latest = new Dictionary<string, JobStatusResult>(StringComparer.Ordinal);
        for (var round = 1; ; round++)
        {
            var before = new JobWaitProgress(jobs, latest, _clock.GetElapsedTime(started));
            var asked = before.Unfinished;
            var changed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, result) in await RefreshAsync(asked, cancellationToken).ConfigureAwait(false))
            {
                if (!latest.TryGetValue(key, out var old) || old.Status != result.Status || old.Sweep?.Counts() != result.Sweep?.Counts())
                {
                    changed.Add(key);
                }

                latest[key] = result;
            }

            var now = new JobWaitProgress(jobs, new Dictionary<string, JobStatusResult>(latest, StringComparer.Ordinal), _clock.GetElapsedTime(started))
            {
                Round = round,
                Changed = [.. jobs.Where(j => changed.Contains(j.Key)).DistinctBy(j => j.Key)],
            };
            progress?.Report(now);
            if (now.Unfinished.Count == 0 || (options.Timeout is { } limit && now.Elapsed >= limit))
            {
                return now;
            }

            // Back off while nothing moves; come back to the interval as soon as something does.
            pause = changed.Count > 0 ? options.Interval : Longer(pause, options.LongestPause);
            _logger.LogDebug(
                "round {Round}: asked about {Asked} job(s), {Changed} changed, {Unfinished} unfinished; next round in {Pause:0.###} s",
                round,
                asked.Count,
                changed.Count,
                now.Unfinished.Count,
                pause.TotalSeconds);
            var left = options.Timeout is { } max ? max - now.Elapsed : pause;
            await PauseAsync(left < pause ? left : pause, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Half again as long as <paramref name="pause"/>, at most <paramref name="longest"/> (without overflowing on the way).</summary>
    private static TimeSpan Longer(TimeSpan pause, TimeSpan longest) =>
        pause.Ticks <= longest.Ticks / 3 * 2 ? TimeSpan.FromTicks(pause.Ticks * 3 / 2) : longest;

    /// <summary>
    /// Pauses for any length: a timer takes at most <see cref="uint.MaxValue"/> - 1 ms (about 49.7 days), so a longer pause
    /// (an interval of weeks backs off to months) is made of such pieces.
    /// </summary>
    private static async Task PauseAsync(TimeSpan pause, TimeProvider clock, CancellationToken cancellationToken)
    {
        var longestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);
        var started = clock.GetTimestamp();
        for (var left = pause; left > TimeSpan.Zero; left = pause - clock.GetElapsedTime(started))
        {
            await Task.Delay(left < longestTimer ? left : longestTimer, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Finds one job and asks its backend about it.</summary>
    /// <param name="keyOrId">A key or an unambiguous bare id.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The status.</returns>
    public async Task<JobStatusResult> StatusAsync(string keyOrId, CancellationToken cancellationToken = default)
    {
        var job = Store.Find(keyOrId);
        var result = await JobRunners.Build(job.JobConfig, _clock).StatusAsync(job.Handle, cancellationToken).ConfigureAwait(false);
        Record([result], cancellationToken);
        return result;
    }

    /// <summary>Records statuses; a store that cannot take them (a full disk, a linked summary) is a warning, not a failure.</summary>
    private void Record(IEnumerable<JobStatusResult> results, CancellationToken cancellationToken)
    {
        try
        {
            Store.UpdateStatuses(results, cancellationToken);
        }
        catch (Exception ex) when (ex is Flepimop2Exception or IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("could not record the statuses just seen: {Message}", ex.Message);
        }
    }

    /// <summary>
    /// A runner for a batch of one module's jobs. Status does not depend on per-job options, so the first
    /// configuration that still builds serves them all (one job's outdated configuration does not block the rest).
    /// </summary>
    private static JobRunner BuildRunner(IReadOnlyList<StoredJob> batch, TimeProvider clock)
    {
        Flepimop2ConfigurationException? first = null;
        foreach (var config in batch.Select(j => j.JobConfig).DistinctBy(c => c.ToJsonString()))
        {
            try
            {
                return JobRunners.Build(config, clock);
            }
            catch (Flepimop2ConfigurationException ex)
            {
                first ??= ex;
            }
        }

        throw first!;
    }

    private static string ModuleOf(StoredJob job) =>
        job.JobConfig["module"] is { } m && OptionTextOrNull(m) is { } text ? JobRunners.ResolveModuleName(text) : $"{JobRunners.Namespace}.{job.Handle.Backend}";

    private static string? OptionTextOrNull(System.Text.Json.Nodes.JsonNode node) =>
        node is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
