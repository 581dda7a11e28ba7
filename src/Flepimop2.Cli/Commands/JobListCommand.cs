using System.CommandLine;
using Flepimop2.Cli.Output;

namespace Flepimop2.Cli.Commands;

/// <summary><c>flepimop2 job list [--status STATUS] [--json]</c>: one line per job, oldest first.</summary>
internal static class JobListCommand
{
    private static readonly string[] Statuses = ["pending", "running", "successful", "failed", "finished_unknown", "unknown"];

    public static Command Create(CliContext context)
    {
        var status = new Option<string?>("--status") { Description = "Only jobs with this status." };
        status.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } value && !Statuses.Contains(value))
            {
                r.AddError($"--status must be one of {string.Join(", ", Statuses)}; got '{value}'");
            }
        });
        var json = CommonOptions.JsonOption();
        var command = new Command("list", "List recorded jobs with their status; asks backends only about unfinished jobs, in batches.") { status, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var wanted = parsed.GetValue(status);
            var jobs = (await context.Tracker.ListAsync(cancellationToken).ConfigureAwait(false))
                .Where(j => wanted is null || j.StatusName == wanted)
                .ToList();
            if (parsed.GetValue(json))
            {
                JsonOutput.WriteList(context.Output, jobs);
                return ExitCodes.Ok;
            }

            if (jobs.Count == 0)
            {
                context.Error.WriteLine(wanted is null ? "No jobs found." : $"No {wanted} jobs found.");
            }

            foreach (var job in jobs)
            {
                ListLine.Write(context.Output, job);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
