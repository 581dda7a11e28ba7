using System.CommandLine;
using Flepimop2.Cli.Output;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job process [CONFIG] [-j JOB_TARGET] [--no-cache] [-t TARGET] [--dry-run]</c>: checks the
/// step, submits <c>flepimop2 process ...</c> to the chosen runner, prints the handle line and records it.
/// Nothing is submitted that could not be recorded.
/// </summary>
internal static class JobProcessCommand
{
    public static Command Create(CliContext context)
    {
        var config = CommonOptions.ConfigArgument();
        var jobTarget = new Option<string?>("--job-target", "-j") { Description = "The 'jobs' target (runner) to submit to; the first one by default." };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not record the job in .flepimop2_cache/job." };
        var target = CommonOptions.TargetOption();
        var dryRun = CommonOptions.DryRunOption("Prepare the submission (resolve, render, write scripts) and print it; submit and record nothing.");
        var json = CommonOptions.JsonOption();
        var command = new Command("process", "Submit a processing step as a job.") { config, jobTarget, noCache, target, dryRun, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var file = await CommonOptions.LoadConfigAsync(parsed.GetValue(config), context, cancellationToken).ConfigureAwait(false);
            var processTarget = parsed.GetValue(target);

            // Check what the job will need now, so a mistake is an error here rather than a failed job later.
            var job = file.BuildJob(parsed.GetValue(jobTarget), processTarget);
            var (entry, runner) = (job.JobEntry, job.Runner);
            if (runner.ValidateSubmission() is { Count: > 0 } issues)
            {
                throw file.Locate(entry, issues);
            }

            if (runner.PredictEnvironment() is { } environment)
            {
                file.Locate(job.StepEntry, () =>
                {
                    job.Step.CheckRunnable(environment);
                    return true;
                });
            }

            var dry = parsed.GetValue(dryRun);
            var record = !dry && !parsed.GetValue(noCache);
            var store = context.Store;
            if (record)
            {
                // A job that ran but could not be recorded is a job lost: find out before it starts.
                try
                {
                    store.EnsureWritable(cancellationToken);
                }
                catch (JobStoreException ex)
                {
                    throw new JobStoreException(ex.Path, $"{ex.Message}; nothing was submitted", ex);
                }
            }

            var inner = new ProcessCommand(file.FullPath) { ProcessTarget = processTarget, Verbosity = context.Verbosity };
            context.Logger.LogInformation("submitting '{Command}' to {Module} (jobs.{Target})", inner, runner.Module, entry.Name);
            JobSubmission submission;
            try
            {
                submission = await runner.SubmitAsync(new JobRequest(inner) { DryRun = dry }, cancellationToken).ConfigureAwait(false);
            }
            catch (Flepimop2ValidationException ex)
            {
                throw file.Locate(entry, ex.Issues);
            }

            switch (submission)
            {
                case JobDryRun dryRunResult when parsed.GetValue(json):
                    JsonOutput.WriteDryRun(context.Output, dryRunResult);
                    return ExitCodes.Ok;
                case JobDryRun dryRunResult:
                    context.Output.WriteLine($"would submit: {dryRunResult.Command}");
                    foreach (var (key, value) in dryRunResult.Details)
                    {
                        context.Output.WriteLine($"  {key}: {value}");
                    }

                    return ExitCodes.Ok;
                case JobHandle handle:
                    var recorded = !record || Record(context, store, handle, runner);
                    if (parsed.GetValue(json))
                    {
                        JsonOutput.WriteHandle(context.Output, handle);
                    }
                    else
                    {
                        context.Output.WriteLine(handle.ToString());
                    }

                    // A blocking job stopped by a signal has been recorded as cancelled; now the signal is answered.
                    cancellationToken.ThrowIfCancellationRequested();
                    return recorded ? ExitCodes.Ok : ExitCodes.Error;
                default:
                    throw new Flepimop2Exception($"the {runner.Module} runner returned neither a handle nor a dry run");
            }
        });
        return command;
    }

    /// <summary>Records a submitted job; when that fails after all, says so plainly (the handle line still prints).</summary>
    private static bool Record(CliContext context, Store.JobStore store, JobHandle handle, JobRunner runner)
    {
        try
        {
            // Not cancellable: the job exists now, and its record is worth the wait for the lock.
            store.Save(handle, runner.ToConfiguration(), CancellationToken.None);
            return true;
        }
        catch (JobStoreException ex)
        {
            context.Error.WriteLine(
                $"error: job {handle.Key} was submitted, but it was not fully recorded in {store.Root}: {ex.Message}. " +
                "Keep the handle line printed below to follow it.");
            return false;
        }
    }
}
