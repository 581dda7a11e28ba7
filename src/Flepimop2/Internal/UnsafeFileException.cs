namespace Flepimop2.Internal;

/// <summary>
/// Raised when a file flepimop2 was about to read or write is not a plain file it may use: a symbolic link inside the job
/// store, a FIFO, a device, a directory, or a file larger than it could be. Nothing was read from it or written to it.
/// </summary>
internal sealed class UnsafeFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What it is, for example <c>is a FIFO (named pipe), not a regular file</c>.</param>
    public UnsafeFileException(string path, string problem)
        : base($"'{path}' {problem}")
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Problem { get; }
}
