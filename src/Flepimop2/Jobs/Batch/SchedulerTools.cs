using Flepimop2.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// A scheduler's command-line tools as calls, the part every scheduler shares: each call runs one argument list with a
/// timeout, retries what <see cref="IsTransient"/> calls a passing fault with back-off (through the
/// <see cref="TimeProvider"/>, so tests do not sleep), and a failure becomes a <see cref="JobBackendException"/> that
/// carries the tool's own message and the command line.
/// </summary>
internal abstract class SchedulerTools(IProcessRunner processes, TimeProvider clock, TimeSpan commandTimeout)
{
    /// <summary>
    /// Three retries, doubling from 1 s; none starts after 15 s: a client already spends seconds on a controller that does
    /// not answer before it gives up, so three full retries would keep a user waiting most of a minute.
    /// </summary>
    public static readonly RetryPolicy Retries = new([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], TimeSpan.FromSeconds(15));

    /// <summary>Submits with <paramref name="argv"/>; returns the job id and what else the answer tells (<see cref="ParseSubmitted"/>).</summary>
    public async Task<(string JobId, string? Cluster)> SubmitAsync(string[] argv, string scriptPath, CancellationToken cancellationToken)
    {
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failure($"{argv[0]} rejected the job", argv, result, $" (script: {scriptPath})");
        }

        return ParseSubmitted(result.Stdout)
            ?? throw new JobBackendException($"{argv[0]} printed no job id: '{Quotable(result.Stdout)}' (script: {scriptPath})", ShellQuote.Join(argv), result.ExitCode);
    }

    /// <summary>Releases jobs that were submitted held; a failure says which jobs stay held.</summary>
    public async Task ReleaseAsync(string[] argv, CancellationToken cancellationToken)
    {
        var result = await RunAsync(argv, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failure($"{argv[0]} could not release the held jobs", argv, result);
        }
    }

    /// <summary>The job id (and cluster, where the scheduler names one) in the submit tool's answer; null when it holds none.</summary>
    protected abstract (string JobId, string? Cluster)? ParseSubmitted(string stdout);

    /// <summary>Whether a failed call's error output says the scheduler is down or busy for a moment (the call may well succeed again).</summary>
    protected abstract bool IsTransient(string stderr);

    /// <summary>An error for a failed call: what failed, the tool's own words (its error output, else its output, else its exit code), and the command line.</summary>
    protected static JobBackendException Failure(string what, string[] argv, ProcessResult result, string suffix = "")
    {
        var said = Quotable(result.Stderr);
        if (said.Length == 0)
        {
            said = Quotable(result.Stdout) is { Length: > 0 } output ? output : $"exit code {result.ExitCode}";
        }

        return new JobBackendException($"{what}: {said}{suffix}", ShellQuote.Join(argv), result.ExitCode);
    }

    /// <summary>
    /// A tool's output as a message may quote it, its lines joined with <c>; </c>: none of it when it lists a job's
    /// environment (<c>qsub -verify</c> prints the <c>env_list</c>, every value of it, and a value may span lines), since
    /// a message must never carry environment values.
    /// </summary>
    internal static string Quotable(string output)
    {
        var text = output.Trim();
        return text.Split('\n').Any(l => l.TrimStart().StartsWith("env_list", StringComparison.OrdinalIgnoreCase))
            ? "(output not shown: it lists the job's environment)"
            : text.ReplaceLineEndings("; ");
    }

    /// <summary>Runs one call, retrying passing faults.</summary>
    protected Task<ProcessResult> RunAsync(string[] argv, CancellationToken cancellationToken) =>
        Retries.RunAsync(
            token => processes.RunAsync(argv, commandTimeout, token),
            result => result.ExitCode != 0 && IsTransient(result.Stderr),
            clock,
            cancellationToken);
}
