namespace Flepimop2.Subprocesses;

/// <summary>Runs one command from an argument list (never a shell string) and captures its output; tests put a fake in its place.</summary>
internal interface IProcessRunner
{
    /// <summary>Runs <paramref name="argv"/> to the end.</summary>
    /// <exception cref="JobBackendException">The program cannot be started, or it did not finish within <paramref name="timeout"/> (it is then killed).</exception>
    Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken);
}
