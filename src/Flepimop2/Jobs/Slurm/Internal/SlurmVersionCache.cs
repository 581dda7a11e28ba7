namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// What one runner knows of Slurm's version, for <c>squeue --only-job-state</c>: asked at most once in the runner's life,
/// and not at all when <c>scontrol show config</c> (asked for a sweep) has said it already. A version that cannot be read
/// counts as one without the option.
/// </summary>
internal sealed class SlurmVersionCache
{
    private Lazy<Task<SlurmVersion?>>? _version;
    private volatile bool _refused;

    /// <summary>Keeps a version learned on the way (from the configuration), unless one is known or being asked already.</summary>
    public void Offer(SlurmVersion? version)
    {
        if (version is { } known)
        {
            Interlocked.CompareExchange(ref _version, new Lazy<Task<SlurmVersion?>>(Task.FromResult<SlurmVersion?>(known)), null);
        }
    }

    /// <summary>
    /// Whether squeue takes <c>--only-job-state</c>, asking <paramref name="ask"/> for the version the first time only. The
    /// question is asked without <paramref name="cancellationToken"/> (the tool's own timeout bounds it), so that one
    /// caller's cancellation does not become every later caller's answer.
    /// </summary>
    public async Task<bool> OnlyJobStateAsync(Func<Task<SlurmVersion?>> ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        if (_refused)
        {
            return false;
        }

        var candidate = new Lazy<Task<SlurmVersion?>>(ask);
        var version = await (Interlocked.CompareExchange(ref _version, candidate, null) ?? candidate).Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return version is { HasOnlyJobState: true } && !_refused;
    }

    /// <summary>squeue would not take the option after all (see <see cref="SlurmErrors.RefusesOnlyJobState"/>): not again.</summary>
    public void Refuse() => _refused = true;

    /// <summary>
    /// The controller's rows of <paramref name="ids"/>, by the lighter query where squeue takes it. The version known is the
    /// local one (squeue's, or the local controller's), so a job on another cluster (<c>-M</c>) gets the ordinary query. A
    /// status round never uses the lighter one: it needs each job's reason, nodes and restart count, which that leaves out.
    /// </summary>
    public async Task<Dictionary<string, SlurmJobRow>> HeldRowsAsync(SlurmClient client, IReadOnlyList<string> ids, string? cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (cluster is null && await OnlyJobStateAsync(() => client.VersionAsync(CancellationToken.None), cancellationToken).ConfigureAwait(false))
        {
            if (await client.QueueStatesAsync(ids, cluster, cancellationToken).ConfigureAwait(false) is { } rows)
            {
                return rows;
            }

            Refuse();
        }

        return await client.QueueAsync(ids, cluster, cancellationToken).ConfigureAwait(false);
    }
}
