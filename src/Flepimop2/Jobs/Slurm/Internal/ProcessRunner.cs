using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>The real <see cref="IProcessRunner"/>: starts the program found on PATH, stdin closed, stdout and stderr captured.</summary>
internal sealed class ProcessRunner : IProcessRunner
{
    public static readonly ProcessRunner Instance = new();

    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var display = ShellQuote.Join(argv);
        var program = Executables.Find(argv[0], Environment.GetEnvironmentVariable("PATH"))
            ?? throw new JobBackendException($"'{argv[0]}' was not found on PATH", display);
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new JobBackendException($"could not run '{argv[0]}': {ex.Message}", display, innerException: ex);
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
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
                string.Create(CultureInfo.InvariantCulture, $"'{argv[0]}' did not answer within {timeout.TotalSeconds:0.#} s and was stopped; is the Slurm controller up?"),
                display);
        }
    }

    private static void Kill(Process process)
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
