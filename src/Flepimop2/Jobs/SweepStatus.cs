namespace Flepimop2.Jobs;

/// <summary>
/// Where every task of a sweep stands, and the sweep as a whole: <c>pending</c> or <c>running</c> while any task is
/// unfinished (<c>running</c> once any has started), then <c>successful</c> only if every task succeeded, else <c>failed</c>.
/// </summary>
/// <param name="Tasks">Every task, in index order.</param>
public sealed record SweepStatus(IReadOnlyList<SweepTaskStatus> Tasks)
{
    /// <summary>How many tasks the sweep has.</summary>
    public int Total => Tasks.Count;

    /// <summary>The indices of the tasks that failed or finished in an unknown way, in order.</summary>
    public IReadOnlyList<int> FailedIndices => [.. Tasks.Where(t => t.Status is JobStatus.Failed or JobStatus.FinishedUnknown).Select(t => t.Index)];

    /// <summary>The sweep's status, from its tasks'.</summary>
    public JobStatus Overall
    {
        get
        {
            if (Tasks.Any(t => !t.Status.IsFinished()))
            {
                return Tasks.Any(t => t.Status == JobStatus.Running || t.Status.IsFinished()) ? JobStatus.Running : JobStatus.Pending;
            }

            return Tasks.All(t => t.Status == JobStatus.Successful) ? JobStatus.Successful : JobStatus.Failed;
        }
    }

    /// <summary>How many tasks are in a status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The count.</returns>
    public int Count(JobStatus status) => Tasks.Count(t => t.Status == status);

    /// <summary>How many tasks are in each status.</summary>
    /// <returns>The counts.</returns>
    public SweepCounts Counts() =>
        new(Total, Count(JobStatus.Successful), Count(JobStatus.Failed), Count(JobStatus.FinishedUnknown), Count(JobStatus.Running), Count(JobStatus.Pending));
}
