using System.CommandLine;
using Flepimop2.Cli.Output;
using Flepimop2.Configuration;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job status JOB [--task I] [--provenance] [--json]</c>: the status line, then each detail as
/// <c>  name: value</c>; for a sweep, the count of tasks in each status and the failed ones, or with <c>--task</c> one task
/// as if it were a job. A job that ran out of memory or time gets one more line, the <c>job retry</c> command that asks for
/// what it needed. With <c>--provenance</c>, what the record says of where the job came from instead, from the store alone
/// (the backend is not asked).
/// </summary>
internal static class JobStatusCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Argument<string>("JOB") { Description = "A job key (shell-abc) or a bare job id." };
        var json = CommonOptions.JsonOption();
        var task = CommonOptions.TaskOption("Show one task of a sweep, by its index (from 0).");
        var provenance = new Option<bool>("--provenance")
        {
            Description = "Show where the job came from (configuration and its hash, git commit, version, command, environment, script), as recorded at submission.",
        };
        var command = new Command("status", "Show where one job stands, with the backend's details.") { job, task, provenance, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(provenance))
            {
                if (parsed.GetValue(task) is not null)
                {
                    throw new CliUsageException("--provenance belongs to the whole submission, not to one task; leave out --task");
                }

                return Provenance(context, context.Store.Find(parsed.GetValue(job)!).Handle, parsed.GetValue(json));
            }

            JobStatusResult result;
            if (parsed.GetValue(task) is { } index)
            {
                var stored = context.Store.Find(parsed.GetValue(job)!);
                CommonOptions.CheckTask(index, stored.Handle);
                result = await JobRunners.Build(stored.JobConfig).TaskStatusAsync(stored.Handle, index, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await context.Tracker.StatusAsync(parsed.GetValue(job)!, cancellationToken).ConfigureAwait(false);
            }

            if (parsed.GetValue(json))
            {
                JsonOutput.WriteStatus(context.Output, result);
                return ExitCodes.Ok;
            }

            context.Output.WriteLine(result.ToString());
            foreach (var line in result.DetailLines())
            {
                context.Output.WriteLine("  " + line);
            }

            if (RetryHint.For(result) is { } hint)
            {
                context.Output.WriteLine(hint);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The recorded provenance: the handle line and one line per field, or the handle as JSON (its <c>provenance</c> included).</summary>
    private static int Provenance(CliContext context, JobHandle handle, bool json)
    {
        if (json)
        {
            JsonOutput.WriteHandle(context.Output, handle);
            return ExitCodes.Ok;
        }

        context.Output.WriteLine(handle.ToString());
        if (handle.Provenance is not { } recorded)
        {
            context.Output.WriteLine("  provenance: none recorded (submitted by the original flepimop2 or an older version)");
            return ExitCodes.Ok;
        }

        foreach (var line in recorded.Lines())
        {
            context.Output.WriteLine("  " + line);
        }

        return ExitCodes.Ok;
    }
}
