using Flepimop2.Jobs.Batch;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// One status round of Grid Engine: one <c>qstat -u '*' -xml</c> for every live job and task, and one read of the accounting
/// file for every ended one, never a call per job. Jobs found in an error state (<c>Eqw</c>) are failed: one <c>qstat -j</c>
/// gives their reasons and one <c>qdel</c> deletes them, as they would otherwise wait forever.
/// </summary>
internal sealed class GridEngineStatusRound : IBatchStatusRound
{
    /// <summary>How much earlier than the oldest submission asked about the accounting file is read back to.</summary>
    private static readonly TimeSpan AccountingSlack = TimeSpan.FromHours(1);

    private readonly Dictionary<string, GridEngineLiveRow> _live;
    private readonly Dictionary<string, GridEngineAccountingRecord> _ended;
    private readonly HashSet<string> _liveJobs;
    private readonly GridEngineStatusContext _context;

    private GridEngineStatusRound(Dictionary<string, GridEngineLiveRow> live, Dictionary<string, GridEngineAccountingRecord> ended, GridEngineStatusContext context)
    {
        _live = live;
        _ended = ended;
        _context = context;
        _liveJobs = live.Values.Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        FailedJobIds = ended.Values.Where(r => GridEngineStates.Ended(r.Failed, r.ExitStatus) == JobStatus.Failed).Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public IReadOnlySet<string> FailedJobIds { get; }

    /// <inheritdoc/>
    public string? NoteFor(JobHandle handle) => null;

    /// <summary>Asks Grid Engine about the jobs and predecessors.</summary>
    public static async Task<GridEngineStatusRound> QueryAsync(GridEngineClient client, BatchQuery query, GridEngineStatusContext context, CancellationToken cancellationToken)
    {
        var jobs = query.Jobs;
        var ids = query.AllIds.ToHashSet(StringComparer.Ordinal);
        var live = await client.LiveAsync(cancellationToken).ConfigureAwait(false);
        var ended = await client.AccountingAsync(ids, Cutoff(jobs, context.Now), cancellationToken).ConfigureAwait(false);
        await AddOlderFailuresAsync(client, jobs, ended, live, cancellationToken).ConfigureAwait(false);
        var inError = live.Values.Where(r => ids.Contains(r.JobId) && GridEngineStates.IsError(r.State)).ToList();
        if (inError.Count > 0)
        {
            context = context with { ErrorReasons = await client.ErrorReasonsAsync([.. inError.Select(r => r.JobId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false) };
            await client.DeleteAsync(GridEngineCommandLines.Qdel(inError.Select(r => QstatXmlParser.Key(r.JobId, r.Task))), cancellationToken).ConfigureAwait(false);
        }

        return new GridEngineStatusRound(live, ended, context);
    }

    /// <inheritdoc/>
    public JobStatusResult Resolve(JobHandle handle, string id) =>
        GridEngineStatusResolver.Resolve(handle, id, _live.GetValueOrDefault(id), _ended.GetValueOrDefault(id), _context);

    /// <inheritdoc/>
    public bool Has(JobHandle handle, string id) => _live.ContainsKey(id) || _ended.ContainsKey(id);

    /// <inheritdoc/>
    public bool Knows(JobHandle handle, BatchUnit unit) => _liveJobs.Contains(unit.JobId) || _ended.Values.Any(r => r.JobId == unit.JobId);

    /// <inheritdoc/>
    public bool IsLive(JobHandle handle, BatchUnit unit) => _liveJobs.Contains(unit.JobId);

    /// <summary>
    /// How far back the accounting file is read for these jobs: no job ended before it was submitted, so to the oldest
    /// submission, less a slack for the clocks of the submit host and the qmaster, not through the cell's whole history. A
    /// submission time from a store is not trusted further: one in the future counts as now, one before the epoch reads all.
    /// </summary>
    private static long Cutoff(IReadOnlyList<(JobHandle Handle, IReadOnlyList<string> Ids)> jobs, DateTimeOffset now)
    {
        var oldest = jobs.Select(j => j.Handle.SubmittedAt).Append(now).Min();
        return oldest - DateTimeOffset.UnixEpoch < AccountingSlack ? long.MinValue : (oldest - AccountingSlack).ToUnixTimeSeconds();
    }

    /// <summary>
    /// A job that its dependency check ended names the predecessor that failed; a predecessor may have ended before the job
    /// was submitted, before the part of the accounting file read for the round. Only then, and only for those
    /// predecessors, the whole file is read.
    /// </summary>
    private static async Task AddOlderFailuresAsync(
        GridEngineClient client,
        IReadOnlyList<(JobHandle Handle, IReadOnlyList<string> Ids)> jobs,
        Dictionary<string, GridEngineAccountingRecord> ended,
        Dictionary<string, GridEngineLiveRow> live,
        CancellationToken cancellationToken)
    {
        var endedChecked = ended.Values.Where(r => r.ExitStatus == GridEngineScriptRenderer.DependencyFailedExitCode).Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        var failedKnown = ended.Values.Where(r => GridEngineStates.Ended(r.Failed, r.ExitStatus) == JobStatus.Failed).Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        var liveJobs = live.Values.Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        var missing = jobs
            .Where(j => endedChecked.Contains(j.Handle.JobId))
            .SelectMany(j => BatchPredecessors.Recorded(j.Handle, QsubParser.IsJobId).Values.SelectMany(ids => ids))
            .Where(id => !failedKnown.Contains(id) && !liveJobs.Contains(id))
            .ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0)
        {
            return;
        }

        foreach (var (key, record) in await client.AccountingAsync(missing, long.MinValue, cancellationToken).ConfigureAwait(false))
        {
            ended.TryAdd(key, record);
        }
    }
}
