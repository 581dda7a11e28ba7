namespace Flepimop2;

/// <summary>
/// The root of every error this library raises on purpose. Callers can catch this one type
/// to tell a reported problem (bad configuration, unknown job, failing backend) from a bug.
/// </summary>
public class Flepimop2Exception : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What was wrong, where, and what to do.</param>
    public Flepimop2Exception(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    /// <param name="message">What was wrong, where, and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public Flepimop2Exception(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public Flepimop2Exception()
    {
    }
}
