using System.CommandLine;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary><c>flepimop2 job cancel JOB...</c>: stops jobs; a finished job is left as it is.</summary>
internal static class JobCancelCommand
{
    public static Command Create(CliContext context)
    {
        var jobs = CommonOptions.JobsArgument();
        var command = new Command("cancel", "Cancel jobs (SIGTERM then SIGKILL to a shell job's process group; scancel on Slurm).") { jobs };
        command.SetAction(async (parsed, cancellationToken) =>
        {
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
}
