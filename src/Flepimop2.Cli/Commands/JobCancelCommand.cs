using System.CommandLine;
using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary><c>flepimop2 job cancel JOB... [--task I]</c>: stops jobs (or one task of a sweep); a finished job is left as it is.</summary>
internal static class JobCancelCommand
{
    public static Command Create(CliContext context)
    {
        var jobs = CommonOptions.JobsArgument();
        var task = CommonOptions.TaskOption("Cancel only this task of a sweep (from 0); the other tasks go on.");
        var command = new Command("cancel", "Cancel jobs (SIGTERM then SIGKILL to a shell job's process group; scancel on Slurm).") { jobs, task };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(task) is { } index)
            {
                if (parsed.GetValue(jobs) is { Length: > 1 } many)
                {
                    throw new CliUsageException($"--task {index} names a task of one sweep; give one JOB, not {many.Length}");
                }

                return await CancelTaskAsync(context, parsed.GetValue(jobs)![0], index, cancellationToken).ConfigureAwait(false);
            }

            var exit = ExitCodes.Ok;
            foreach (var query in parsed.GetValue(jobs)!)
            {
                try
                {
                    var job = context.Store.Find(query);
                    var runner = JobRunners.Build(job.JobConfig);
                    var before = await runner.StatusAsync(job.Handle, cancellationToken).ConfigureAwait(false);
                    if (before.Status.IsFinished())
                    {
                        // finished_unknown may mean the handle names no process that can be the job: the runner says why.
                        if (before.Status == JobStatus.FinishedUnknown)
                        {
                            await runner.CancelAsync(job.Handle, cancellationToken).ConfigureAwait(false);
                        }

                        context.Output.WriteLine($"{job.Key} already finished: {before.Status.ToWireName()}");
                        continue;
                    }

                    await runner.CancelAsync(job.Handle, cancellationToken).ConfigureAwait(false);
                    var after = await new JobTracker(context.Store, context.Logger).RefreshAsync([job], cancellationToken).ConfigureAwait(false);
                    // A scheduler may take a moment to record the end of a cancelled job.
                    var status = after.TryGetValue(job.Key, out var r) ? r.Status : (JobStatus?)null;
                    var done = status is { } s && s.IsFinished() ? "cancelled" : "cancel requested";
                    context.Output.WriteLine($"{job.Key} {done} (status={status?.ToWireName() ?? "unknown"})");
                    await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Flepimop2Exception ex)
                {
                    context.Error.WriteLine($"error: {query}: {ex.Message}");
                    exit = ExitCodes.Error;
                }
            }

            return exit;
        });
        return command;
    }

    private static async Task<int> CancelTaskAsync(CliContext context, string query, int index, CancellationToken cancellationToken)
    {
        var job = context.Store.Find(query);
        CommonOptions.CheckTask(index, job.Handle);
        var runner = JobRunners.Build(job.JobConfig);
        var before = await runner.TaskStatusAsync(job.Handle, index, cancellationToken).ConfigureAwait(false);
        if (before.Status.IsFinished())
        {
            context.Output.WriteLine($"{job.Key} task {index} already finished: {before.Status.ToWireName()}");
            return ExitCodes.Ok;
        }

        await runner.CancelTaskAsync(job.Handle, index, cancellationToken).ConfigureAwait(false);
        var after = await runner.TaskStatusAsync(job.Handle, index, cancellationToken).ConfigureAwait(false);
        var done = after.Status.IsFinished() ? "cancelled" : "cancel requested";
        context.Output.WriteLine($"{job.Key} task {index} {done} (status={after.Status.ToWireName()})");
        return ExitCodes.Ok;
    }
}
