using Flepimop2.Cli.Output;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// The end of every submitting command (<c>job process</c>, <c>job simulate</c>, <c>job run</c>, <c>job retry</c>): the
/// store checked before anything is submitted, then the dry run printed, or the job recorded and its handle line printed.
/// </summary>
internal static class SubmissionOutput
{
    /// <summary>Makes sure the store can take the record; a job that ran but could not be recorded is a job lost.</summary>
    public static void EnsureRecordable(JobStore store, CancellationToken cancellationToken)
    {
        try
        {
            store.EnsureWritable(cancellationToken);
        }
        catch (JobStoreException ex)
        {
            throw new JobStoreException(ex.Path, $"{ex.Message}; nothing was submitted", ex);
        }
    }

    /// <summary>
    /// Prints the dry run, or records the job (when <paramref name="store"/> is given) and prints its handle line; the exit
    /// code. <paramref name="recorded"/> runs after a successful record (a retry marks the job it retries).
    /// </summary>
    public static int Print(
        CliContext context,
        bool json,
        JobSubmission submission,
        JobStore? store,
        JobRunner runner,
        CancellationToken cancellationToken,
        Action<JobHandle>? recorded = null,
        SubmissionRecord? before = null)
    {
        switch (submission)
        {
            case JobDryRun dryRun when json:
                JsonOutput.WriteDryRun(context.Output, dryRun);
                return ExitCodes.Ok;
            case JobDryRun dryRun:
                context.Output.WriteLine($"would submit: {dryRun.Command}");
                foreach (var (key, value) in dryRun.Details)
                {
                    context.Output.WriteLine($"  {key}: {value}");
                }

                return ExitCodes.Ok;
            case JobHandle handle:
                var saved = store is null || before?.Recorded?.Key == handle.Key || Record(context, store, handle, runner);
                if (saved && store is not null)
                {
                    recorded?.Invoke(handle);
                }

                if (json)
                {
                    JsonOutput.WriteHandle(context.Output, handle);
                }
                else
                {
                    context.Output.WriteLine(handle.ToString());
                }

                // A blocking job stopped by a signal has been recorded as cancelled; now the signal is answered.
                cancellationToken.ThrowIfCancellationRequested();
                return saved ? ExitCodes.Ok : ExitCodes.Error;
            default:
                throw new Flepimop2Exception($"the {runner.Module} runner returned neither a handle nor a dry run");
        }
    }

    /// <summary>Records a submitted job; when that fails after all, says so plainly (the handle line still prints).</summary>
    private static bool Record(CliContext context, JobStore store, JobHandle handle, JobRunner runner)
    {
        try
        {
            // Not cancellable: the job exists now, and its record is worth the wait for the lock.
            store.Save(handle, runner.ToConfiguration(), CancellationToken.None);
            return true;
        }
        catch (JobStoreException ex)
        {
            // Said whole on one line: the job is out of our hands, and only the handle line printed below can follow it.
            var ran = ShellRecord.IsBlockingJob(handle) ? "has run" : "runs";
            context.Error.WriteLine(
                $"error: job {handle.Key} (id {Printable.Escape(handle.JobId)}) was submitted and {ran}, but it was not fully recorded in {store.Root}: {ex.Message}. " +
                "Keep the handle line printed below to follow it.");
            return false;
        }
    }
}
