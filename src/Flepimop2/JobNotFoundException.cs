namespace Flepimop2;

/// <summary>Raised when a job key or id given by the user names no job in the store, or more than one.</summary>
public sealed class JobNotFoundException : Flepimop2Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="query">The key or id that was looked up.</param>
    /// <param name="message">What was wrong and what to do.</param>
    public JobNotFoundException(string query, string message)
        : base(message)
    {
        Query = query;
    }

    /// <summary>The key or id that was looked up.</summary>
    public string Query { get; }
}
