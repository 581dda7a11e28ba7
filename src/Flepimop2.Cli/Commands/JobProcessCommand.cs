using System.CommandLine;
using Flepimop2.Cli.Output;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job process [CONFIG] [-j JOB_TARGET] [--no-cache] [-t TARGET] [--dry-run]</c>: checks the
/// step, submits <c>flepimop2 process ...</c> to the chosen runner, prints the handle line and records it.
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
            var file = CommonOptions.LoadConfig(parsed.GetValue(config), context);
            var processTarget = parsed.GetValue(target);

            // Check what the job will need now, so a mistake is an error here rather than a failed job later.
            ProcessCliCommand.BuildStep(file, processTarget);

            var entry = file.Select("jobs", parsed.GetValue(jobTarget));
            JobRunner runner;
            try
            {
                runner = JobRunners.Build(entry.Values);
            }
            catch (Flepimop2ConfigurationException ex)
            {
                throw file.Locate(ex, entry);
            }

            var inner = new ProcessCommand(file.FullPath) { ProcessTarget = processTarget, Verbosity = context.Verbosity };
            context.Logger.LogInformation("submitting '{Command}' to {Module} (jobs.{Target})", inner, runner.Module, entry.Name);
            var submission = await runner.SubmitAsync(inner, parsed.GetValue(dryRun), cancellationToken).ConfigureAwait(false);
            switch (submission)
            {
                case JobDryRun dry when parsed.GetValue(json):
                    JsonOutput.WriteDryRun(context.Output, dry);
                    return ExitCodes.Ok;
                case JobDryRun dry:
                    context.Output.WriteLine($"would submit: {dry.Command}");
                    foreach (var (key, value) in dry.Details)
                    {
                        context.Output.WriteLine($"  {key}: {value}");
                    }

                    return ExitCodes.Ok;
                case JobHandle handle:
                    if (!parsed.GetValue(noCache))
                    {
                        context.Store.Save(handle, runner.ToConfiguration());
                    }

                    if (parsed.GetValue(json))
                    {
                        JsonOutput.WriteHandle(context.Output, handle);
                    }
                    else
                    {
                        context.Output.WriteLine(handle.ToString());
                    }

                    return ExitCodes.Ok;
                default:
                    throw new Flepimop2Exception($"the {runner.Module} runner returned neither a handle nor a dry run");
            }
        });
        return command;
    }
}
