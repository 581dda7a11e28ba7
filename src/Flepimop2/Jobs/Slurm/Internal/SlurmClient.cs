using Flepimop2.Jobs.Batch;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// The Slurm tools as calls (see <see cref="SchedulerTools"/> for the timeout, the retries and the errors): each parses its
/// answer into rows, and an answer that means "nothing to report" (an id the controller forgot, a job that already ended)
/// is no error.
/// </summary>
internal sealed class SlurmClient(IProcessRunner processes, TimeProvider clock, TimeSpan commandTimeout)
    : SchedulerTools(processes, clock, commandTimeout)
{
    /// <summary>
    /// How many tasks one array may have on the cluster (Slurm's default when its configuration does not say), and the
    /// controller's version when the configuration says it.
    /// </summary>
    public async Task<(int MaxArraySize, SlurmVersion? Version)> ConfigAsync(string? cluster, CancellationToken cancellationToken)
    {
        var argv = SlurmCommandLines.ScontrolShowConfig(cluster);
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? (ScontrolConfigParser.MaxArraySize(result.Stdout), ScontrolConfigParser.Version(result.Stdout))
            : throw Failure("scontrol show config failed", argv, result);
    }

    /// <summary>The version squeue prints, or null when it cannot be read: squeue failed, is missing, or printed something else.</summary>
    public async Task<SlurmVersion?> VersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await RunAsync(SlurmCommandLines.SqueueVersion(), cancellationToken).ConfigureAwait(false);
            return result.ExitCode == 0 ? SlurmVersion.FromVersionOutput(result.Stdout) : null;
        }
        catch (JobBackendException)
        {
            // Not knowing the version only means the ordinary query: no reason to fail what asked.
            return null;
        }
    }

    /// <summary>The jobs among <paramref name="jobIds"/> still in the queue (pending, running, completing, ...).</summary>
    public async Task<Dictionary<string, SlurmJobRow>> QueueAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken)
    {
        var argv = SlurmCommandLines.Squeue(jobIds, cluster);
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            // With a single id the controller no longer holds, squeue fails instead of printing nothing.
            return SlurmErrors.IsInvalidJobId(result.Stderr)
                ? new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal)
                : throw Failure("squeue failed", argv, result);
        }

        return SqueueParser.Parse(result.Stdout);
    }

    /// <summary>
    /// The ids among <paramref name="jobIds"/> the controller still holds, with their states alone, by the lighter query
    /// (<see cref="SlurmCommandLines.SqueueStates"/>); null when squeue would not take it, for the caller to ask
    /// <see cref="QueueAsync"/> instead.
    /// </summary>
    public async Task<Dictionary<string, SlurmJobRow>?> QueueStatesAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken)
    {
        var argv = SlurmCommandLines.SqueueStates(jobIds, cluster);
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return SlurmErrors.IsInvalidJobId(result.Stderr) ? new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal)
                : SlurmErrors.RefusesOnlyJobState(result.Stderr) ? null
                : throw Failure("squeue failed", argv, result);
        }

        return SqueueParser.Parse(result.Stdout);
    }

    /// <summary>What accounting holds about <paramref name="jobIds"/>, or <see langword="null"/> when the cluster keeps no accounting.</summary>
    public async Task<Dictionary<string, SlurmJobRow>?> AccountingAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken)
    {
        var argv = SlurmCommandLines.Sacct(jobIds, cluster);
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return SlurmErrors.IsAccountingDisabled(result.Stderr) ? null : throw Failure("sacct failed", argv, result);
        }

        return SacctParser.Parse(result.Stdout);
    }

    /// <summary>Every job the controller still holds, finished ones included until it forgets them (<c>MinJobAge</c>).</summary>
    public async Task<Dictionary<string, SlurmJobRow>> ControllerJobsAsync(string? cluster, CancellationToken cancellationToken)
    {
        var argv = SlurmCommandLines.ScontrolShowJobs(cluster);
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? ScontrolParser.Parse(result.Stdout) : throw Failure("scontrol show job failed", argv, result);
    }

    /// <summary>Asks Slurm to cancel several jobs or array tasks in one call; those that have ended are not an error.</summary>
    public async Task CancelAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken)
    {
        var argv = SlurmCommandLines.Scancel(jobIds, cluster);
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 && !SlurmErrors.IsAlreadyFinished(result.Stderr) && !SlurmErrors.IsInvalidJobId(result.Stderr))
        {
            throw Failure("scancel failed", argv, result);
        }
    }

    /// <inheritdoc/>
    protected override (string JobId, string? Cluster)? ParseSubmitted(string stdout) => SbatchParser.Parse(stdout);

    /// <inheritdoc/>
    protected override bool IsTransient(string stderr) => SlurmErrors.IsTransient(stderr);
}
