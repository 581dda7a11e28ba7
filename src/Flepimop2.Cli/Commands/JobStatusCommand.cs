using System.CommandLine;
using Flepimop2.Cli.Output;

namespace Flepimop2.Cli.Commands;

/// <summary><c>flepimop2 job status JOB [--json]</c>: the status line, then each detail as <c>  name: value</c>.</summary>
internal static class JobStatusCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Argument<string>("JOB") { Description = "A job key (shell-abc) or a bare job id." };
        var json = CommonOptions.JsonOption();
        var command = new Command("status", "Show where one job stands, with the backend's details.") { job, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var result = await context.Tracker.StatusAsync(parsed.GetValue(job)!, cancellationToken).ConfigureAwait(false);
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

            return ExitCodes.Ok;
        });
        return command;
    }
}
