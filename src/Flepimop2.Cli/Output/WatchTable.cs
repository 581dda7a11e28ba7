using System.Globalization;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Output;

/// <summary>
/// The table <c>job watch</c> keeps redrawn on a terminal: a row per job (key, target, status, elapsed) and, for a sweep, a bar
/// of its tasks by status with the counts, over a line that says how many jobs have finished.
/// </summary>
/// <remarks>
/// Keys and targets come from files: they go in after <see cref="TerminalWriter.Printable"/> has escaped their control
/// characters, so that none moves the cursor or changes a colour.
/// </remarks>
internal sealed class WatchTable(WatchState state)
{
    /// <summary>How many cells a sweep's bar takes.</summary>
    private const int BarWidth = 20;

    private static readonly TerminalColumn[] Columns =
    [
        new("key"),
        new("target", Wrap: true),
        new("status"),
        new("elapsed", RightAligned: true),
        new("tasks", Wrap: true),
    ];

    /// <summary>The lines of the table and the summary under it, fitted to <paramref name="width"/> cells; coloured when <paramref name="colour"/>.</summary>
    public List<string> Render(JobWaitProgress progress, int width, bool colour)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var table = new TerminalTable(Columns);
        foreach (var row in state.Rows(progress))
        {
            table.AddRow(
                [new StyledText(TerminalWriter.Printable(row.Key))],
                [new StyledText(TerminalWriter.Printable(row.Target))],
                [new StyledText(row.Status, StatusColour(row.Status))],
                [new StyledText(row.ElapsedText())],
                row.Tasks is { } tasks ? Bar(tasks) : []);
        }

        var finished = progress.Jobs.Count - progress.Unfinished.Count;
        var failed = progress.Latest.Values.Count(r => r.Status is JobStatus.Failed or JobStatus.FinishedUnknown);
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{finished} of {progress.Jobs.Count} finished{(failed > 0 ? $", {failed} did not succeed" : string.Empty)} · round {progress.Round} · {progress.Elapsed.TotalSeconds:0}s");
        var lines = table.Render(width, colour);
        lines.Add(new StyledText(summary, TerminalColour.Grey).ToTerminal(colour));
        return lines;
    }

    /// <summary>
    /// <c>████▓▓▒▒░░░ 4 successful, 2 failed, 2 running, 3 pending</c>: successful, then failed (and finished_unknown), running
    /// and pending, each as wide as its share, in colour and in distinct shades for a terminal without colour.
    /// </summary>
    private static List<StyledText> Bar(SweepCounts tasks)
    {
        (int Count, char Glyph, TerminalColour Colour)[] parts =
        [
            (tasks.Successful, '█', TerminalColour.Green),
            (tasks.Failed + tasks.FinishedUnknown, '▓', TerminalColour.Red),
            (tasks.Running, '▒', TerminalColour.Yellow),
            (tasks.Pending, '░', TerminalColour.Grey),
        ];
        var bar = new List<StyledText>();
        var done = 0;
        var drawn = 0;
        foreach (var (count, glyph, colour) in parts)
        {
            done += count;
            // Each boundary is rounded from the running total, so the segments always add up to the bar's width.
            var upTo = tasks.Total == 0 ? 0 : (int)Math.Round((double)done * BarWidth / tasks.Total, MidpointRounding.AwayFromZero);
            if (upTo > drawn)
            {
                bar.Add(new StyledText(new string(glyph, upTo - drawn), colour));
                drawn = upTo;
            }
        }

        var counts = string.Join(", ", tasks.Named().Where(c => c.Count > 0).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Count} {c.Status}")));
        bar.Add(new StyledText($" {counts}"));
        return bar;
    }

    private static TerminalColour StatusColour(string status) => status switch
    {
        "successful" => TerminalColour.Green,
        "failed" or "finished_unknown" => TerminalColour.Red,
        "running" => TerminalColour.Yellow,
        _ => TerminalColour.Grey,
    };
}
