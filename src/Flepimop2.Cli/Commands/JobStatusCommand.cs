using System.CommandLine;
using Flepimop2.Cli.Output;
using Flepimop2.Configuration;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job status JOB [--task I] [--json]</c>: the status line, then each detail as <c>  name: value</c>; for a
/// sweep, the count of tasks in each status and the failed ones, or with <c>--task</c> one task as if it were a job. A job
/// that ran out of memory or time gets one more line, the <c>job retry</c> command that asks for what it needed.
/// </summary>
internal static class JobStatusCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Argument<string>("JOB") { Description = "A job key (shell-abc) or a bare job id." };
        var json = CommonOptions.JsonOption();
        var task = CommonOptions.TaskOption("Show one task of a sweep, by its index (from 0).");
        var command = new Command("status", "Show where one job stands, with the backend's details.") { job, task, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
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
}
