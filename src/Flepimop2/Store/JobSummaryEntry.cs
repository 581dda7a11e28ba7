using Flepimop2.Jobs;

namespace Flepimop2.Store;

/// <summary>One line of <c>summary.json</c>: enough to list a job without opening its handle file.</summary>
/// <param name="Key">The store key.</param>
/// <param name="Backend">The backend's short name.</param>
/// <param name="JobId">The backend's job id.</param>
/// <param name="SubmittedAt">When it was submitted, UTC.</param>
/// <param name="Status">The last status seen, or <see langword="null"/> when never checked.</param>
public sealed record JobSummaryEntry(string Key, string Backend, string JobId, DateTimeOffset SubmittedAt, JobStatus? Status)
{
    /// <summary>For a sweep, how many of its tasks were in each status when its status was recorded; null for a job.</summary>
    public SweepCounts? Tasks { get; init; }

    /// <summary>
    /// Whether the last status seen is final (successful or failed), so the backend need not be asked again.
    /// <c>finished_unknown</c> is asked again: another program (the original, which cannot read exit codes) may have written
    /// it for a job whose exit code is on record.
    /// </summary>
    public bool IsKnownFinished => Status is JobStatus.Successful or JobStatus.Failed;
}
