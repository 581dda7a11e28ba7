using System.Diagnostics.CodeAnalysis;

namespace Flepimop2.Jobs;

/// <summary>Helpers for <see cref="JobStatus"/>: terminal states and the wire names of the file format.</summary>
public static class JobStatusExtensions
{
    /// <summary>Whether the status is terminal: successful, failed or finished-unknown.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for the last three states.</returns>
    public static bool IsFinished(this JobStatus status) =>
        status is JobStatus.Successful or JobStatus.Failed or JobStatus.FinishedUnknown;

    /// <summary>The name used in files and output: <c>pending</c>, <c>running</c>, <c>successful</c>, <c>failed</c>, <c>finished_unknown</c>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The wire name.</returns>
    public static string ToWireName(this JobStatus status) => status switch
    {
        JobStatus.Pending => "pending",
        JobStatus.Running => "running",
        JobStatus.Successful => "successful",
        JobStatus.Failed => "failed",
        JobStatus.FinishedUnknown => "finished_unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>Parses a wire name (see <see cref="ToWireName"/>).</summary>
    /// <param name="value">The text.</param>
    /// <param name="status">The status when the text is a known name.</param>
    /// <returns>Whether the text was a known name.</returns>
    public static bool TryParseWireName([NotNullWhen(true)] string? value, out JobStatus status)
    {
        switch (value)
        {
            case "pending": status = JobStatus.Pending; return true;
            case "running": status = JobStatus.Running; return true;
            case "successful": status = JobStatus.Successful; return true;
            case "failed": status = JobStatus.Failed; return true;
            case "finished_unknown": status = JobStatus.FinishedUnknown; return true;
            default: status = default; return false;
        }
    }
}
