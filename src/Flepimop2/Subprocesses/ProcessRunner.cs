using System.Globalization;
using Flepimop2.Internal;

namespace Flepimop2.Subprocesses;

/// <summary>
/// The real <see cref="IProcessRunner"/>: starts the program found on PATH, stdin closed, stdout and stderr captured, and
/// stops it at the timeout (measured on <paramref name="clock"/>), adding <paramref name="timeoutAdvice"/> to the error.
/// </summary>
internal sealed class ProcessRunner(TimeProvider clock, string? timeoutAdvice = null) : IProcessRunner
{
    public static readonly ProcessRunner Instance = new(TimeProvider.System);

    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var display = ShellQuote.Join(argv);
        var program = Executables.Find(argv[0], Environment.GetEnvironmentVariable("PATH"))
            ?? throw new JobBackendException($"'{argv[0]}' was not found on PATH", display);
        using var process = ProcessLauncher.Start(new ProcessSpec([program, .. argv.Skip(1)]) { RedirectInput = true, CaptureOutput = true });
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = clock.CreateTimer(_ => Cancel(deadline), null, timeout, Timeout.InfiniteTimeSpan);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);

        // Not cut at the deadline: what the program said before it was stopped is part of the error.
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            var said = await SaidAsync(stderr).ConfigureAwait(false);
            throw new JobBackendException(
                string.Create(CultureInfo.InvariantCulture, $"'{argv[0]}' did not answer within {timeout.TotalSeconds:0.#} s and was stopped{said}{(timeoutAdvice is null ? string.Empty : "; " + timeoutAdvice)}"),
                display);
        }
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended first.
        }
    }

    /// <summary>The last line the stopped program wrote to stderr, as <c> (it said: ...)</c>; nothing when it said nothing.</summary>
    private async Task<string> SaidAsync(Task<string> stderr)
    {
        try
        {
            var text = await stderr.WaitAsync(TimeSpan.FromSeconds(1), clock).ConfigureAwait(false);
            var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            return last is null ? string.Empty : $" (it said: {(last.Length > 300 ? last[..300] + "..." : last)})";
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private static void Kill(System.Diagnostics.Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own in the meantime.
        }
    }
}
