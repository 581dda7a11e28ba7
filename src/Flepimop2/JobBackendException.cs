namespace Flepimop2;

/// <summary>
/// Raised when a backend command (for example <c>sbatch</c> or <c>squeue</c>) fails or cannot be run.
/// Carries the command and what it said.
/// </summary>
public sealed class JobBackendException : Flepimop2Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, including the backend's own message.</param>
    /// <param name="command">The command that failed, rendered for display.</param>
    /// <param name="exitCode">The command's exit code, when it ran.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public JobBackendException(string message, string? command = null, int? exitCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Command = command;
        ExitCode = exitCode;
    }

    /// <summary>The command that failed, rendered for display.</summary>
    public string? Command { get; }

    /// <summary>The command's exit code, when it ran to the end.</summary>
    public int? ExitCode { get; }
}
