namespace Flepimop2;

/// <summary>Raised when a file in the job store cannot be read or written.</summary>
public sealed class JobStoreException : Flepimop2Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file concerned.</param>
    /// <param name="message">What was wrong with it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public JobStoreException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file concerned.</summary>
    public string Path { get; }
}
