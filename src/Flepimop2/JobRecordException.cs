namespace Flepimop2;

/// <summary>Raised when JSON given as a job record (a handle, a status result, a dry run) is not one; the message says what is missing.</summary>
public sealed class JobRecordException : Flepimop2Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the record.</param>
    /// <param name="innerException">The JSON error, if any.</param>
    public JobRecordException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
