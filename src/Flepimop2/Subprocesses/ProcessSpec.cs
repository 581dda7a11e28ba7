namespace Flepimop2.Subprocesses;

/// <summary>
/// A program to start: its argument list (never a shell string), where, and with which environment. Every process the
/// library starts is described by one of these and started by <see cref="ProcessLauncher"/>.
/// </summary>
/// <param name="Argv">The program (a path, or a name looked up on PATH) and its arguments, each passed as it is.</param>
internal sealed record ProcessSpec(IReadOnlyList<string> Argv)
{
    /// <summary>The working directory; the caller's when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>When set, the process's whole environment (it replaces the caller's, it does not extend it).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Give the process a pipe as standard input (to write to it, or to close it at once).</summary>
    public bool RedirectInput { get; init; }

    /// <summary>Capture standard output and standard error instead of sharing the caller's.</summary>
    public bool CaptureOutput { get; init; }
}
