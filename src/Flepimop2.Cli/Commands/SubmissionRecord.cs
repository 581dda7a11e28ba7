using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// Records a submission in the store before its job can start (<see cref="JobRequest.BeforeRelease"/>): if the record
/// fails, or this process is killed first, the job never runs. A runner that has no moment between holding a job and
/// releasing it (a blocking shell job runs in the foreground, ended with this process) is recorded afterwards.
/// </summary>
internal sealed class SubmissionRecord(JobStore store, JobRunner runner)
{
    /// <summary>The handle recorded before its release; null until then.</summary>
    public JobHandle? Recorded { get; private set; }

    /// <summary>The request, recording before release.</summary>
    public JobRequest Attach(JobRequest request) => request with { BeforeRelease = RecordAsync };

    private Task RecordAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        // Not cancellable: the job is held for this record, and it is worth the wait for the lock.
        store.Save(handle, runner.ToConfiguration(), CancellationToken.None);
        Recorded = handle;
        return Task.CompletedTask;
    }
}
