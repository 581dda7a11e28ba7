using Flepimop2.Internal;
using Flepimop2.Processes;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// The Grid Engine tools as calls: each runs one command from an argument list with a timeout, retries a qmaster that
/// does not answer with back-off, parses the answer, and turns a failure into a <see cref="JobBackendException"/> that
/// carries the tool's own message. The accounting file is read directly (one read for every finished job of a query).
/// </summary>
internal sealed class GridEngineClient(IProcessRunner processes, TimeProvider clock, TimeSpan commandTimeout, string accountingFile)
{
    /// <summary>Three retries of a qmaster that does not answer, doubling from 1 s, none after 15 s.</summary>
    public static readonly RetryPolicy Retries = new([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], TimeSpan.FromSeconds(15));

    /// <summary>Submits; returns the job id.</summary>
    public async Task<string> SubmitAsync(string[] argv, string scriptPath, CancellationToken cancellationToken)
    {
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failure("qsub rejected the job", argv, result, $" (script: {scriptPath})");
        }

        return QsubParser.Parse(result.Stdout)
            ?? throw new JobBackendException($"qsub printed no job id: '{result.Stdout.Trim()}' (script: {scriptPath})", ShellQuote.Join(argv), result.ExitCode);
    }

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
            throw new JobBackendException(ex.Message, ShellQuote.Join(argv), result.ExitCode, ex);
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

    /// <summary>Deletes jobs or tasks (<c>ID.TASK</c>); those that have ended or are unknown are not an error.</summary>
    public Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        DeleteAsync(GridEngineCommandLines.Qdel(ids), cancellationToken);

    /// <summary>Deletes one array task.</summary>
    public Task DeleteTaskAsync(string jobId, int sgeTask, CancellationToken cancellationToken) =>
        DeleteAsync(GridEngineCommandLines.QdelTask(jobId, sgeTask), cancellationToken);

    private static JobBackendException Failure(string what, string[] argv, ProcessResult result, string suffix = "")
    {
        var said = result.Stderr.Trim();
        if (said.Length == 0)
        {
            said = result.Stdout.Trim().Length > 0 ? result.Stdout.Trim() : $"exit code {result.ExitCode}";
        }

        return new JobBackendException($"{what}: {said.ReplaceLineEndings("; ")}{suffix}", ShellQuote.Join(argv), result.ExitCode);
    }

    /// <summary>qdel of a job that has ended prints <c>denied: job "N" does not exist</c> on stdout and exits 1: the job is gone, which is what was asked.</summary>
    private async Task DeleteAsync(string[] argv, CancellationToken cancellationToken)
    {
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 && !(result.Stdout + result.Stderr).Contains("does not exist", StringComparison.Ordinal))
        {
            throw Failure("qdel failed", argv, result);
        }
    }

    private async Task<ProcessResult> RunAsync(string[] argv, CancellationToken cancellationToken) =>
        await Retries.RunAsync(
            token => processes.RunAsync(argv, commandTimeout, token),
            result => result.ExitCode != 0 && IsTransient(result.Stderr),
            clock,
            cancellationToken).ConfigureAwait(false);

    /// <summary>What a client prints when the qmaster is down or busy: the same command may well succeed a moment later.</summary>
    private static bool IsTransient(string stderr) =>
        stderr.Contains("unable to contact qmaster", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("commlib error", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("failed receiving gdi request", StringComparison.OrdinalIgnoreCase);
}
