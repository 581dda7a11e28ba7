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

    /// <summary>Creates a tracker over a store.</summary>
    /// <param name="store">The store.</param>
    /// <param name="logger">Where warnings go; none when null.</param>
    public JobTracker(JobStore store, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The store.</summary>
    public JobStore Store { get; }

    /// <summary>Lists every job with its current status, oldest first.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The jobs.</returns>
    public async Task<IReadOnlyList<TrackedJob>> ListAsync(CancellationToken cancellationToken = default)
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

        var fresh = await RefreshAsync(unfinished, cancellationToken).ConfigureAwait(false);
        return listing.Jobs
            .Select(e => e.IsKnownFinished
                ? new TrackedJob(e, e.Status, null)
                : fresh.TryGetValue(e.Key, out var r) ? new TrackedJob(e, r.Status, r) : new TrackedJob(e, null, null))
            .ToList();
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
                var runner = BuildRunner(batch);
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

    /// <summary>Finds one job and asks its backend about it.</summary>
    /// <param name="keyOrId">A key or an unambiguous bare id.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The status.</returns>
    public async Task<JobStatusResult> StatusAsync(string keyOrId, CancellationToken cancellationToken = default)
    {
        var job = Store.Find(keyOrId);
        var result = await JobRunners.Build(job.JobConfig).StatusAsync(job.Handle, cancellationToken).ConfigureAwait(false);
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
    private static JobRunner BuildRunner(IReadOnlyList<StoredJob> batch)
    {
        Flepimop2ConfigurationException? first = null;
        foreach (var config in batch.Select(j => j.JobConfig).DistinctBy(c => c.ToJsonString()))
        {
            try
            {
                return JobRunners.Build(config);
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
