using System.CommandLine;
using System.Reflection;
using Flepimop2.Cli.Output;
using Flepimop2.Jobs;
using Flepimop2.Reports;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job report JOB... [--output FILE] [--format html|svg]</c>: one self-contained HTML file of the jobs (a chain's
/// jobs in order): a timeline of every task's wait and run, what each used against what it asked for, the failed tasks with
/// their reasons and the <c>job retry</c> command, and how each was submitted. With <c>--format svg</c>, the timeline alone.
/// The statuses are those <c>job status</c> gets (one batched call per backend), and the file is written whole or not at all.
/// </summary>
internal static class JobReportCommand
{
    private const string HintPrefix = "hint: ";

    public static Command Create(CliContext context)
    {
        var jobs = CommonOptions.JobsArgument();
        var output = new Option<string?>("--output", "-o")
        {
            Description = "The file to write, or - for stdout; by default KEY.report.html (KEY.report.svg with --format svg) in the current directory, beside the store.",
        };
        var format = new Option<string>("--format")
        {
            Description = "html: the whole report; svg: the timeline alone.",
            DefaultValueFactory = _ => "html",
        };
        format.AcceptOnlyFromAmong("html", "svg");
        var command = new Command("report", "Write a self-contained HTML report of jobs: timeline, usage against requests, failures with the retry command, and how they were submitted.")
        {
            jobs, output, format,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var store = context.Store;
            var stored = parsed.GetValue(jobs)!.Select(store.Find).DistinctBy(j => j.Key).ToList();
            var now = TimeProvider.System.GetUtcNow();
            var tracker = context.Tracker;
            var answers = await tracker.RefreshAsync(stored, cancellationToken).ConfigureAwait(false);
            var pairs = new List<(StoredJob, JobStatusResult)>(stored.Count);
            foreach (var job in stored)
            {
                // A backend that could not answer in the batch is asked again alone, so its own error is what the user sees.
                var result = answers.TryGetValue(job.Key, out var answer) ? answer : await tracker.StatusAsync(job.Key, cancellationToken).ConfigureAwait(false);
                pairs.Add((job, result));
            }

            var report = ReportBuilder.Build(pairs, now, Generator, r => RetryHint.For(r) is { } hint ? hint[HintPrefix.Length..] : null);
            var svg = parsed.GetValue(format) == "svg";
            var text = svg ? ReportTimeline.Render(report, standalone: true) : ReportHtml.Render(report);
            var path = parsed.GetValue(output) ?? stored[0].Key + (svg ? ".report.svg" : ".report.html");
            if (path == "-")
            {
                context.Output.Write(text);
                return ExitCodes.Ok;
            }

            ReportFile.Write(Path.GetFullPath(path, context.Directory), text);
            context.Output.WriteLine(path);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Generator =>
        "flepimop2 " + (typeof(JobReportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "(unknown version)");
}
