using Flepimop2.Internal;
using Flepimop2.Processes;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// The Slurm tools as calls: each runs one command with a timeout, retries transient controller errors with back-off
/// (through the <see cref="TimeProvider"/>, so tests do not sleep), parses the answer, and turns a failure into a
/// <see cref="JobBackendException"/> that carries the tool's own message.
/// </summary>
internal sealed class SlurmClient(IProcessRunner processes, TimeProvider clock, TimeSpan commandTimeout)
{
    /// <summary>
    /// Three retries of a transient error, doubling from 1 s; none starts after 15 s: a Slurm client already spends about
    /// 9 s on a controller that does not answer before it gives up, so three full retries would keep a user waiting three
    /// quarters of a minute.
    /// </summary>
    public static readonly RetryPolicy Retries = new([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], TimeSpan.FromSeconds(15));

    public Task<(string JobId, string? Cluster)> SubmitAsync(string scriptPath, CancellationToken cancellationToken) =>
        SubmitAsync(SlurmCommandLines.Sbatch(scriptPath), scriptPath, cancellationToken);

    /// <summary>Submits one job held by a dependency; see <see cref="SlurmCommandLines.Sbatch(string, string?, bool)"/>.</summary>
    public Task<(string JobId, string? Cluster)> SubmitAsync(string scriptPath, string? dependency, bool killOnInvalid, CancellationToken cancellationToken) =>
        SubmitAsync(SlurmCommandLines.Sbatch(scriptPath, dependency, killOnInvalid), scriptPath, cancellationToken);

    /// <summary>Submits one job array; see <see cref="SlurmCommandLines.SbatchArray"/>.</summary>
    public Task<(string JobId, string? Cluster)> SubmitArrayAsync(string scriptPath, int first, int count, int? maxParallel, string? dependency, bool killOnInvalid, CancellationToken cancellationToken) =>
        SubmitAsync(SlurmCommandLines.SbatchArray(scriptPath, first, count, maxParallel, dependency, killOnInvalid), scriptPath, cancellationToken);

    /// <summary>How many tasks one array may have on the cluster (Slurm's default when its configuration does not say).</summary>
    public async Task<int> MaxArraySizeAsync(string? cluster, CancellationToken cancellationToken)
    {
        var argv = SlurmCommandLines.ScontrolShowConfig(cluster);
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? ScontrolConfigParser.MaxArraySize(result.Stdout) : throw Failure("scontrol show config failed", argv, result);
    }

    private async Task<(string JobId, string? Cluster)> SubmitAsync(string[] argv, string scriptPath, CancellationToken cancellationToken)
    {
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failure("sbatch rejected the job", argv, result, $" (script: {scriptPath})");
        }

        return SbatchParser.Parse(result.Stdout)
            ?? throw new JobBackendException($"sbatch printed no job id: '{result.Stdout.Trim()}' (script: {scriptPath})", ShellQuote.Join(argv), result.ExitCode);
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
        if (result.ExitCode != 0)
        {
            throw Failure("scontrol show job failed", argv, result);
        }

        return ScontrolParser.Parse(result.Stdout);
    }

    /// <summary>Asks Slurm to cancel a job; a job that has ended or been forgotten is not an error.</summary>
    public Task CancelAsync(string jobId, string? cluster, CancellationToken cancellationToken) =>
        CancelAsync([jobId], cluster, cancellationToken);

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

    private static JobBackendException Failure(string what, string[] argv, ProcessResult result, string suffix = "")
    {
        var said = result.Stderr.Trim();
        if (said.Length == 0)
        {
            said = result.Stdout.Trim().Length > 0 ? result.Stdout.Trim() : $"exit code {result.ExitCode}";
        }

        return new JobBackendException($"{what}: {said.ReplaceLineEndings("; ")}{suffix}", ShellQuote.Join(argv), result.ExitCode);
    }

    private async Task<ProcessResult> RunAsync(string[] argv, CancellationToken cancellationToken)
    {
        return await Retries.RunAsync(
            token => processes.RunAsync(argv, commandTimeout, token),
            result => result.ExitCode != 0 && SlurmErrors.IsTransient(result.Stderr),
            clock,
            cancellationToken).ConfigureAwait(false);
    }
}
