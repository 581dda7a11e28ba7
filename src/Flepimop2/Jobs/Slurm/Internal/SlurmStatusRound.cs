using Flepimop2.Jobs.Batch;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// One status round of Slurm: per cluster and per chunk of ids, one <c>squeue</c> and one <c>sacct</c> call (with
/// accounting off, one <c>scontrol show job</c> per cluster instead of <c>sacct</c>), never one call per job. A sweep is
/// asked about by its arrays' ids, which bring every task's line.
/// </summary>
internal sealed class SlurmStatusRound : IBatchStatusRound
{
    /// <summary>How many job ids one <c>squeue</c> or <c>sacct</c> call asks about.</summary>
    public const int ChunkSize = 500;

    private readonly Dictionary<string, (Dictionary<string, SlurmJobRow> Queued, Dictionary<string, SlurmJobRow> Accounted, SlurmStatusContext Context)> _clusters =
        new(StringComparer.Ordinal);

    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    private SlurmStatusRound()
    {
    }

    /// <inheritdoc/>
    public IReadOnlySet<string> FailedJobIds => _failed;

    /// <inheritdoc/>
    public string? NoteFor(JobHandle handle) => Of(handle).Context.Note;

    /// <summary>Asks Slurm about the jobs and predecessors, cluster by cluster.</summary>
    public static async Task<SlurmStatusRound> QueryAsync(SlurmClient client, BatchQuery query, SlurmStatusContext context, CancellationToken cancellationToken)
    {
        var round = new SlurmStatusRound();
        foreach (var cluster in query.Jobs.GroupBy(j => BatchRecord.ClusterOf(j.Handle)))
        {
            var queued = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
            var accounted = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
            string? accountingOff = null;
            foreach (var chunk in cluster.SelectMany(j => j.Ids).Concat(query.PredecessorIds).Distinct(StringComparer.Ordinal).Chunk(ChunkSize))
            {
                Merge(queued, await client.QueueAsync(chunk, cluster.Key, cancellationToken).ConfigureAwait(false));
                if (accountingOff is not null)
                {
                    continue;
                }

                try
                {
                    if (await client.AccountingAsync(chunk, cluster.Key, cancellationToken).ConfigureAwait(false) is { } rows)
                    {
                        Merge(accounted, rows);
                        continue;
                    }

                    accountingOff = "accounting is disabled on this cluster; status comes from squeue, scontrol and the jobs' exit records";
                }
                catch (JobBackendException ex)
                {
                    // Accounting that does not answer (slurmdbd down) is no reason to answer nothing: the controller and
                    // the jobs' own exit records still tell what they know.
                    accountingOff = $"accounting did not answer ({ex.Message}); status comes from squeue, scontrol and the jobs' exit records";
                }

                // One scontrol call answers every chunk.
                accounted = await client.ControllerJobsAsync(cluster.Key, cancellationToken).ConfigureAwait(false);
            }

            var clusterContext = context with { Cluster = cluster.Key };
            if (accountingOff is not null)
            {
                clusterContext = clusterContext with { AccountingSource = "scontrol", Note = accountingOff };
            }

            round._failed.UnionWith(SlurmDependencies.FailedIds(queued.Values, accounted.Values));
            round._clusters[cluster.Key ?? string.Empty] = (queued, accounted, clusterContext);
        }

        return round;
    }

    /// <inheritdoc/>
    public JobStatusResult Resolve(JobHandle handle, string id)
    {
        var (queued, accounted, context) = Of(handle);
        return SlurmStatusResolver.Resolve(handle with { JobId = id }, queued.GetValueOrDefault(id), accounted.GetValueOrDefault(id), context) with { JobId = handle.JobId };
    }

    /// <inheritdoc/>
    public bool Has(JobHandle handle, string id)
    {
        var (queued, accounted, _) = Of(handle);
        return queued.ContainsKey(id) || accounted.ContainsKey(id);
    }

    /// <inheritdoc/>
    public bool Knows(JobHandle handle, BatchUnit unit)
    {
        for (var index = 0; index < unit.Count; index++)
        {
            if (Has(handle, SlurmJobRunner.ArrayTaskId(unit.JobId, index)))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public bool IsLive(JobHandle handle, BatchUnit unit)
    {
        var (queued, _, _) = Of(handle);
        var prefix = unit.JobId + "_";
        return queued.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static void Merge(Dictionary<string, SlurmJobRow> into, Dictionary<string, SlurmJobRow> rows)
    {
        foreach (var (id, row) in rows)
        {
            into[id] = row;
        }
    }

    private (Dictionary<string, SlurmJobRow> Queued, Dictionary<string, SlurmJobRow> Accounted, SlurmStatusContext Context) Of(JobHandle handle) =>
        _clusters[BatchRecord.ClusterOf(handle) ?? string.Empty];
}
