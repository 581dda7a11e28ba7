namespace Flepimop2.Reports;

/// <summary>A report that could not be written where it was asked to go; nothing was left there.</summary>
/// <param name="path">The file asked for.</param>
/// <param name="message">What went wrong, naming the file, and what to do.</param>
/// <param name="innerException">The underlying error, if any.</param>
internal sealed class ReportWriteException(string path, string message, Exception? innerException = null) : Flepimop2Exception(message, innerException)
{
    /// <summary>The file asked for.</summary>
    public string Path { get; } = path;
}
