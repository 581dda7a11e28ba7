using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Store;

/// <summary>A job as listed: its summary entry and, where the backend was asked, the fresh result.</summary>
/// <param name="Entry">The summary entry.</param>
/// <param name="Status">The status now; <see langword="null"/> when it could not be found out (printed as <c>unknown</c>).</param>
/// <param name="Result">The backend's answer when it was asked and answered.</param>
public sealed record TrackedJob(JobSummaryEntry Entry, JobStatus? Status, JobStatusResult? Result)
{
    /// <summary>The status's wire name, or <c>unknown</c>.</summary>
    public string StatusName => Status?.ToWireName() ?? "unknown";

    /// <summary>For a sweep, its task counts: fresh when the backend was asked, else as last recorded; null for a job.</summary>
    public SweepCounts? Tasks => Result?.Sweep?.Counts() ?? Entry.Tasks;

    /// <summary><c>{backend}-{job_id} submitted_at=... status=...</c>, control characters written as escapes.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        $"{Printable.Escape(Entry.Backend)}-{Printable.Escape(Entry.JobId)} submitted_at={IsoTime.FormatSeconds(Entry.SubmittedAt)} status={StatusName}{(Tasks is { } tasks ? " " + tasks : string.Empty)}";
}
