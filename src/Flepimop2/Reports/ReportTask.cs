using Flepimop2.Jobs;

namespace Flepimop2.Reports;

/// <summary>
/// One row of a report: a task of a sweep, or an ordinary job. Each figure is null when the backend or the record does not
/// give it, so that the report can say so instead of drawing a zero.
/// </summary>
/// <param name="Index">The task's index; null for an ordinary job.</param>
/// <param name="Status">Where it stands.</param>
internal sealed record ReportTask(int? Index, JobStatus Status)
{
    /// <summary>When it started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Its exit code, when it ended with one on record.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Why it ended as it did or waits, as its status says.</summary>
    public string? Reason { get; init; }

    /// <summary>Its peak resident memory in bytes.</summary>
    public long? PeakBytes { get; init; }

    /// <summary>The memory it asked for, in bytes.</summary>
    public long? RequestBytes { get; init; }

    /// <summary>Its run time in seconds.</summary>
    public double? ElapsedSeconds { get; init; }

    /// <summary>Its time limit in seconds.</summary>
    public double? LimitSeconds { get; init; }

    /// <summary>Whether it has any usage figure at all.</summary>
    public bool HasUsage => PeakBytes is not null || ElapsedSeconds is not null;
}
