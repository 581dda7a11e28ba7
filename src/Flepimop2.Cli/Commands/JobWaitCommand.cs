using System.CommandLine;
using System.Diagnostics;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job wait JOB... [--timeout SECONDS]</c>: polls (batched per backend) until every job has finished,
/// with a live progress line on a terminal. Exits 0 only when every job succeeded.
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
            var tracker = new JobTracker(context.Store, context.Logger);
            var limit = parsed.GetValue(timeout);
            var clock = Stopwatch.StartNew();
            var progress = !Console.IsErrorRedirected;
            var delay = TimeSpan.FromMilliseconds(200);
            var latest = new Dictionary<string, JobStatusResult>(StringComparer.Ordinal);
            while (true)
            {
                var pending = stored.Where(j => !(latest.TryGetValue(j.Key, out var r) && r.Status.IsFinished())).ToList();
                foreach (var (key, result) in await tracker.RefreshAsync(pending, cancellationToken).ConfigureAwait(false))
                {
                    latest[key] = result;
                }

                var unfinished = stored.Where(j => !(latest.TryGetValue(j.Key, out var r) && r.Status.IsFinished())).ToList();
                if (progress)
                {
                    // Straight to the terminal: this line moves the cursor on purpose.
                    Console.Error.Write($"\rwaiting: {Counts(stored, latest)} ({clock.Elapsed.TotalSeconds:0}s)\u001b[K");
                }

                if (unfinished.Count == 0 || (limit is { } l && clock.Elapsed >= l))
                {
                    if (progress)
                    {
                        context.Error.WriteLine();
                    }

                    foreach (var job in stored)
                    {
                        context.Output.WriteLine(latest.TryGetValue(job.Key, out var r) ? r.ToString() : $"{job.Handle} status=unknown");
                    }

                    if (unfinished.Count > 0)
                    {
                        context.Error.WriteLine($"error: timed out after {limit!.Value.TotalSeconds:0.###} s; not finished: {string.Join(", ", unfinished.Select(j => j.Key))}");
                        return ExitCodes.Error;
                    }

                    return stored.All(j => latest[j.Key].Status == JobStatus.Successful) ? ExitCodes.Ok : ExitCodes.Error;
                }

                var wait = limit is { } max && max - clock.Elapsed < delay ? max - clock.Elapsed : delay;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 2000));
            }
        });
        return command;
    }

    private static string Counts(IReadOnlyList<StoredJob> jobs, Dictionary<string, JobStatusResult> latest) =>
        string.Join(", ", jobs
            .GroupBy(j => latest.TryGetValue(j.Key, out var r) ? r.Status.ToWireName() : "unknown")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}"));
}
