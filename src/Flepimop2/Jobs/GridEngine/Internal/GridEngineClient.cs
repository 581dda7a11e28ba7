using Flepimop2.Jobs.Batch;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// The Grid Engine tools as calls (see <see cref="SchedulerTools"/> for the timeout, the retries and the errors), and the
/// accounting file, read directly: one read for every finished job of a round.
/// </summary>
internal sealed class GridEngineClient(IProcessRunner processes, TimeProvider clock, TimeSpan commandTimeout, string accountingFile)
    : SchedulerTools(processes, clock, commandTimeout)
{
    /// <summary>Every live job and task of every user, keyed as <see cref="QstatXmlParser.Key"/>.</summary>
    public async Task<Dictionary<string, GridEngineLiveRow>> LiveAsync(CancellationToken cancellationToken)
    {
        var argv = GridEngineCommandLines.QstatAll();
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failure("qstat failed", argv, result);
        }

        try
        {
            return QstatXmlParser.Parse(result.Stdout);
        }
        catch (FormatException ex)
        {
            throw new JobBackendException(ex.Message, Flepimop2.Internal.ShellQuote.Join(argv), result.ExitCode, ex);
        }
    }

    /// <summary>
    /// The last accounting record of each job or task of <paramref name="jobIds"/> that ended at or after
    /// <paramref name="notBefore"/> (seconds since the epoch; <see cref="long.MinValue"/> for any), read from the end of the
    /// file back to there; none when the file does not exist yet (no job has ended).
    /// </summary>
    public async Task<Dictionary<string, GridEngineAccountingRecord>> AccountingAsync(IReadOnlySet<string> jobIds, long notBefore, CancellationToken cancellationToken)
    {
        if (jobIds.Count == 0 || !File.Exists(accountingFile))
        {
            return new Dictionary<string, GridEngineAccountingRecord>(StringComparer.Ordinal);
        }

        try
        {
            return await AccountingFile.ReadAsync(accountingFile, jobIds, notBefore, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JobBackendException($"cannot read the Grid Engine accounting file {accountingFile}: {ex.Message}", accountingFile, null, ex);
        }
    }

    /// <summary>Why each of these jobs is in an error state; a failure to ask leaves the reasons out.</summary>
    public async Task<Dictionary<string, string>> ErrorReasonsAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken)
    {
        var result = await RunAsync(GridEngineCommandLines.QstatJobs(jobIds), cancellationToken).ConfigureAwait(false);
        return QstatJobParser.ErrorReasons(result.Stdout);
    }

    /// <summary>
    /// Deletes jobs or tasks (<c>ID.TASK</c>, or one task with <c>ID -t N</c>). qdel of a job that has ended prints
    /// <c>denied: job "N" does not exist</c> and exits 1: the job is gone, which is what was asked.
    /// </summary>
    public async Task DeleteAsync(string[] argv, CancellationToken cancellationToken)
    {
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 && !(result.Stdout + result.Stderr).Contains("does not exist", StringComparison.Ordinal))
        {
            throw Failure("qdel failed", argv, result);
        }
    }

    /// <inheritdoc/>
    protected override (string JobId, string? Cluster)? ParseSubmitted(string stdout) => QsubParser.Parse(stdout) is { } id ? (id, null) : null;

    /// <summary>What a client prints when the qmaster is down or busy: the same command may well succeed a moment later.</summary>
    protected override bool IsTransient(string stderr) =>
        stderr.Contains("unable to contact qmaster", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("commlib error", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("failed receiving gdi request", StringComparison.OrdinalIgnoreCase);
}
