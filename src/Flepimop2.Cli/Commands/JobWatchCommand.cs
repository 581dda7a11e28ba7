using System.CommandLine;
using Flepimop2.Cli.Output;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job watch [JOB...] [--interval SECONDS] [--json]</c>: follows jobs (without keys, every unfinished job of the
/// store) until all have finished, in <c>job wait</c>'s loop: one batched status call per backend a round, slower while
/// nothing changes. On a terminal a table is redrawn in place and left on screen; on a pipe, or with <c>--json</c>, each
/// change is one JSON line. Exits 0 when every job succeeded, 1 when any did not.
/// </summary>
internal static class JobWatchCommand
{
    public static Command Create(CliContext context)
    {
        var jobs = new Argument<string[]>("JOB")
        {
            Description = "Job keys (shell-abc) or bare job ids; every unfinished job of the store when none is given.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var interval = new Option<TimeSpan?>("--interval")
        {
            Description = "Seconds between status queries after a change (default 0.2); up to ten times as long while nothing changes.",
            CustomParser = CommonOptions.ParseSeconds("--interval"),
        };
        var json = new Option<bool>("--json")
        {
            Description = "One JSON line per change instead of a table (also when stdout is not a terminal).",
        };
        var command = new Command("watch", "Show jobs live until they finish: a table on a terminal, JSON lines on a pipe; exit 0 only if all succeeded.") { jobs, interval, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var keys = parsed.GetValue(jobs) ?? [];
            var tracker = context.Tracker;
            IReadOnlyList<StoredJob> watched = keys.Length > 0
                ? [.. keys.Select(context.Store.Find).DistinctBy(j => j.Key)]
                : tracker.Unfinished(cancellationToken);
            if (watched.Count == 0)
            {
                context.Error.WriteLine("No unfinished jobs to watch.");
                return ExitCodes.Ok;
            }

            var options = JobWaitOptions.Default with { Interval = parsed.GetValue(interval) ?? JobWaitOptions.Default.Interval };
            var state = new WatchState(TimeProvider.System);

            // A table only where it can be redrawn: a terminal that understands cursor movement. Anywhere else a reader wants
            // lines it can parse, with no escape codes in them.
            var redraw = !parsed.GetValue(json) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";
            var end = redraw
                ? await WatchOnTerminalAsync(tracker, watched, options, new WatchTable(state), cancellationToken).ConfigureAwait(false)
                : await tracker.WaitAsync(watched, options, new WatchJsonLines(context.Output, state), cancellationToken).ConfigureAwait(false);
            return end.AllSucceeded ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    /// <summary>
    /// Redraws the table in place after every round, and leaves the last one on screen (also when a signal ends the watch).
    /// Colour unless NO_COLOR is set (https://no-color.org).
    /// </summary>
    private static async Task<JobWaitProgress> WatchOnTerminalAsync(JobTracker tracker, IReadOnlyList<StoredJob> watched, JobWaitOptions options, WatchTable table, CancellationToken cancellationToken)
    {
        // Written straight to the terminal (the results writer would escape the frame's own cursor movements); what comes
        // from files is escaped cell by cell instead.
        var colour = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        using var live = new LiveFrame(Console.Out);
        void Draw(JobWaitProgress progress)
        {
            var width = LiveFrame.Width;
            live.Show(table.Render(progress, width, colour), width, LiveFrame.Height);
        }

        Draw(new JobWaitProgress(watched, new Dictionary<string, Jobs.JobStatusResult>(StringComparer.Ordinal), TimeSpan.Zero));
        return await tracker.WaitAsync(watched, options, new Reporter<JobWaitProgress>(Draw), cancellationToken).ConfigureAwait(false);
    }
}
