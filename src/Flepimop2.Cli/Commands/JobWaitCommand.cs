using System.CommandLine;
using Flepimop2.Cli.Output;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job wait JOB... [--timeout SECONDS]</c>: polls (batched per backend) until every job has finished,
/// with a live progress line on a terminal. Exits 0 only when every job succeeded. Its loop is <c>job watch</c>'s:
/// <see cref="JobTracker.WaitAsync(IReadOnlyList{StoredJob}, JobWaitOptions, IProgress{JobWaitProgress}?, CancellationToken)"/>.
/// </summary>
internal static class JobWaitCommand
{
    public static Command Create(CliContext context)
    {
        var jobs = CommonOptions.JobsArgument();
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "Give up after this many seconds (exit 1).",
            CustomParser = CommonOptions.ParseSeconds("--timeout"),
        };
        var command = new Command("wait", "Wait until jobs finish; exit 0 only if all succeeded.") { jobs, timeout };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var stored = parsed.GetValue(jobs)!.Select(context.Store.Find).DistinctBy(j => j.Key).ToList();
            var limit = parsed.GetValue(timeout);

            // Straight to the terminal, and only there: this line moves the cursor on purpose.
            var terminal = !Console.IsErrorRedirected;
            var progress = terminal ? new Reporter<JobWaitProgress>(p => Console.Error.Write($"\rwaiting: {Counts(p)} ({p.Elapsed.TotalSeconds:0}s)\u001b[K")) : null;
            var end = await context.Tracker.WaitAsync(stored, limit, progress, cancellationToken).ConfigureAwait(false);
            if (terminal)
            {
                context.Error.WriteLine();
            }

            foreach (var job in stored)
            {
                context.Output.WriteLine(end.Latest.TryGetValue(job.Key, out var r) ? r.ToString() : $"{job.Handle} status=unknown");
            }

            if (end.Unfinished.Count > 0)
            {
                context.Error.WriteLine($"error: timed out after {limit!.Value.TotalSeconds:0.###} s; not finished: {string.Join(", ", end.Unfinished.Select(j => j.Key))}");
                return ExitCodes.Error;
            }

            return end.AllSucceeded ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    private static string Counts(JobWaitProgress progress) =>
        string.Join(", ", progress.Counts().Select(c => $"{c.Count} {c.Status}"));
}
