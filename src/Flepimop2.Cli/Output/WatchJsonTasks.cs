using Flepimop2.Jobs;

namespace Flepimop2.Cli.Output;

/// <summary>A sweep's counts in a <see cref="WatchJsonLine"/>, named as in <c>job status --json</c>'s <c>tasks</c>.</summary>
/// <param name="Total">Every task.</param>
/// <param name="Successful">Tasks that succeeded.</param>
/// <param name="Failed">Tasks that failed.</param>
/// <param name="FinishedUnknown">Tasks that ended in a way that cannot be known.</param>
/// <param name="Running">Tasks running.</param>
/// <param name="Pending">Tasks not started.</param>
internal sealed record WatchJsonTasks(int Total, int Successful, int Failed, int FinishedUnknown, int Running, int Pending)
{
    public static WatchJsonTasks? Of(SweepCounts? counts) =>
        counts is null ? null : new(counts.Total, counts.Successful, counts.Failed, counts.FinishedUnknown, counts.Running, counts.Pending);
}
