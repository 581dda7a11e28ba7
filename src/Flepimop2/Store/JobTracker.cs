using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Flepimop2.Store.Internal;
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
    private readonly SharedRounds _rounds;

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
        _rounds = new SharedRounds(store.Root, _clock);
    }

    /// <summary>The store.</summary>
    public JobStore Store { get; }

    /// <summary>Lists every job with its current status, oldest first.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The jobs.</returns>
    public async Task<IReadOnlyList<TrackedJob>> ListAsync(CancellationToken cancellationToken = default)
    {
        var (listing, unfinished) = ReadUnfinished(cancellationToken);
        var fresh = await RefreshAsync(unfinished, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
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
    public async Task<IReadOnlyDictionary<string, JobStatusResult>> RefreshAsync(IReadOnlyList<StoredJob> jobs, CancellationToken cancellationToken = default) =>
        (await RefreshCoreAsync(jobs, null, null, null, cancellationToken).ConfigureAwait(false)).Results;

    /// <summary>
    /// Where these jobs stand, from the store's shared rounds where they are fresh enough, else from the backends (batched
    /// per backend), and records the answers for other callers. An answer is fresh enough when its round began no earlier
    /// than <paramref name="shareWithin"/> before this call, or than the entry's <c>min-poll-interval</c> (a site's floor),
    /// whichever is longer. Rounds of one module are asked under one lock, so that callers who come while a round is asked
    /// take its answer (a round that began after their call) instead of asking too: concurrent <c>job watch</c>,
    /// <c>job wait</c> and <c>job list</c> on one store cost the scheduler about what one of them does.
    /// </summary>
    /// <param name="jobs">The jobs.</param>
    /// <param name="shareWithin">How old an answer may be: <see cref="TimeSpan.Zero"/> takes only a round that began after this call.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>Results by key; a job whose backend could not answer is absent.</returns>
    public async Task<IReadOnlyDictionary<string, JobStatusResult>> RefreshAsync(IReadOnlyList<StoredJob> jobs, TimeSpan shareWithin, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shareWithin, TimeSpan.Zero);
        return (await RefreshCoreAsync(jobs, shareWithin, null, null, cancellationToken).ConfigureAwait(false)).Results;
    }

    /// <param name="jobs">The jobs.</param>
    /// <param name="shareWithin">How old a shared answer may be (at least the entry's floor); null to take none.</param>
    /// <param name="newerThan">Take only answers of rounds that began after this (the caller has that one).</param>
    /// <param name="planned">Take an answer as old as the pace of a watcher that plans to ask again, up to this pause.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    private async Task<RoundAnswers> RefreshCoreAsync(
        IReadOnlyList<StoredJob> jobs, TimeSpan? shareWithin, DateTimeOffset? newerThan, TimeSpan? planned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var called = _clock.GetUtcNow();
        DateTimeOffset? newest = null;
        DateTimeOffset? ended = null;
        var askedModules = new HashSet<string>(StringComparer.Ordinal);
        var results = new Dictionary<string, JobStatusResult>(StringComparer.Ordinal);
        var asked = new List<JobStatusResult>();
        foreach (var group in jobs.GroupBy(j => ModuleOf(j)))
        {
            var batch = group.ToList();
            using var round = _rounds.Enter(group.Key, cancellationToken);
            if (shareWithin is { } within)
            {
                var window = batch.Select(j => MinPollInterval.TryRead(j.JobConfig) ?? TimeSpan.Zero).Append(within).Max();

                // A watcher that asked last and will ask again soon keeps the answer as fresh as its pace: a wait that
                // comes later takes it, and falls in step with that watcher (see NextRound) instead of asking too.
                if (planned is { } longest && _rounds.Planned(group.Key) is { } plan && plan.At > called && plan.Pause <= longest && plan.Pause > window)
                {
                    window = plan.Pause;
                }

                var notBefore = called - window;
                var unanswered = new List<StoredJob>(batch.Count);
                foreach (var job in batch)
                {
                    if (_rounds.Read(job, notBefore, newerThan) is { } shared)
                    {
                        results[job.Key] = shared.Result;
                        newest = Later(newest, shared.AskedAt);
                        ended = Later(ended, shared.AnsweredAt);
                    }
                    else
                    {
                        unanswered.Add(job);
                    }
                }

                batch = unanswered;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var askedAt = _clock.GetUtcNow();
                newest = Later(newest, askedAt);
                askedModules.Add(group.Key);
                var runner = BuildRunner(batch, _clock);
                var answers = await runner.StatusManyAsync([.. batch.Select(j => j.Handle)], cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    results[batch[i].Key] = answers[i];
                    asked.Add(answers[i]);
                }

                var answeredAt = _clock.GetUtcNow();
                ended = Later(ended, answeredAt);
                _rounds.Write(batch.Select((j, i) => KeyValuePair.Create(j.Key, answers[i])), askedAt, answeredAt);
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

        // Answers taken from another caller's round were recorded by that caller.
        Record(asked, cancellationToken);
        return new RoundAnswers(results, newest, ended, askedModules);
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    /// <summary>
    /// When a wait's next round is, and at what pause. The pause runs from the end of the round that answered, whoever asked
    /// it. A wait that asked a backend itself says in the store when it will ask next and at what pause; one whose answers all
    /// came from another's round takes that plan (within its own longest pause), so that watchers that came at different
    /// times fall in step with the one that asks and one round serves them all.
    /// </summary>
    private (TimeSpan Next, TimeSpan Pause) NextRound(IReadOnlyList<StoredJob> unfinished, RoundAnswers answers, TimeSpan pause, JobWaitOptions options)
    {
        var now = _clock.GetUtcNow();
        var age = answers.Ended is { } ended ? now - ended : TimeSpan.Zero;
        var own = age <= TimeSpan.Zero ? pause : age >= pause ? TimeSpan.Zero : pause - age;
        if (answers.AskedModules.Count > 0)
        {
            foreach (var module in answers.AskedModules)
            {
                _rounds.Plan(module, now + own, pause);
            }

            return (own, pause);
        }

        var plans = unfinished
            .Select(ModuleOf)
            .Distinct(StringComparer.Ordinal)
            .Select(module => _rounds.Planned(module))
            .Where(plan => plan is { } p && p.At > now && p.At - now <= options.LongestPause)
            .Select(plan => plan!.Value)
            .ToList();
        if (plans.Count == 0)
        {
            return (own, pause);
        }

        var first = plans.MinBy(p => p.At);
        return (first.At - now, first.Pause < options.Interval ? options.Interval : first.Pause > options.LongestPause ? options.LongestPause : first.Pause);
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
    /// jobs in one batch per backend (as <see cref="RefreshAsync(IReadOnlyList{StoredJob}, TimeSpan, CancellationToken)"/> does, never a call per job or per task, and taking another caller's answer that is younger than the pause before it), tells
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
        DateTimeOffset? newest = null;
        for (var round = 1; ; round++)
        {
            var before = new JobWaitProgress(jobs, latest, _clock.GetElapsedTime(started));
            var asked = before.Unfinished;
            var changed = new HashSet<string>(StringComparer.Ordinal);
            // Another watcher's answer younger than this wait's own pause is as good as asking: many watchers of one store then
            // cost the scheduler what one does.
            var answers = await RefreshCoreAsync(asked, pause, newest, options.LongestPause, cancellationToken).ConfigureAwait(false);
            newest = answers.Newest ?? newest;
            foreach (var (key, result) in answers.Results)
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

            (var next, pause) = NextRound(now.Unfinished, answers, pause, options);
            _logger.LogDebug(
                "round {Round}: asked about {Asked} job(s), {Changed} changed, {Unfinished} unfinished; next round in {Pause:0.###} s",
                round,
                asked.Count,
                changed.Count,
                now.Unfinished.Count,
                next.TotalSeconds);
            var left = options.Timeout is { } max ? max - now.Elapsed : next;
            await PauseAsync(left < next ? left : next, _clock, cancellationToken).ConfigureAwait(false);
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
