using System.Globalization;
using Flepimop2.Internal;

namespace Flepimop2.Processes;

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
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new JobBackendException(
                string.Create(CultureInfo.InvariantCulture, $"'{argv[0]}' did not answer within {timeout.TotalSeconds:0.#} s and was stopped{(timeoutAdvice is null ? string.Empty : "; " + timeoutAdvice)}"),
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
