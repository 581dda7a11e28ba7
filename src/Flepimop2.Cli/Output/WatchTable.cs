using System.Globalization;
using System.Text;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Flepimop2.Cli.Output;

/// <summary>
/// The table <c>job watch</c> keeps redrawn on a terminal: a row per job (key, target, status, elapsed) and, for a sweep, a bar
/// of its tasks by status with the counts, over a line that says how many jobs have finished.
/// </summary>
/// <remarks>
/// Keys and targets come from files, so they go in as <see cref="Text"/> (never read as markup, so a key holding
/// <c>[red]</c> is shown as it is) after <see cref="TerminalWriter.Printable"/> has escaped their control characters.
/// </remarks>
internal sealed class WatchTable(WatchState state)
{
    /// <summary>How many cells a sweep's bar takes.</summary>
    private const int BarWidth = 20;

    public IRenderable Render(JobWaitProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var table = new Table { Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn("key").NoWrap());
        table.AddColumn(new TableColumn("target"));
        table.AddColumn(new TableColumn("status").NoWrap());
        table.AddColumn(new TableColumn("elapsed").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("tasks"));
        foreach (var row in state.Rows(progress))
        {
            table.AddRow(
                new Text(TerminalWriter.Printable(row.Key)),
                new Text(TerminalWriter.Printable(row.Target)),
                new Text(row.Status, StatusStyle(row.Status)),
                new Text(row.ElapsedText()),
                row.Tasks is { } tasks ? Bar(tasks) : Text.Empty);
        }

        var finished = progress.Jobs.Count - progress.Unfinished.Count;
        var failed = progress.Latest.Values.Count(r => r.Status is JobStatus.Failed or JobStatus.FinishedUnknown);
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{finished} of {progress.Jobs.Count} finished{(failed > 0 ? $", {failed} did not succeed" : string.Empty)} · round {progress.Round} · {progress.Elapsed.TotalSeconds:0}s");
        return new Rows(table, new Text(summary, new Style(Color.Grey)));
    }

    /// <summary>
    /// <c>████▓▓▒▒░░░ 4 successful, 2 failed, 2 running, 3 pending</c>: successful, then failed (and finished_unknown), running
    /// and pending, each as wide as its share, in colour and in distinct shades for a terminal without colour.
    /// </summary>
    private static Markup Bar(SweepCounts tasks)
    {
        (int Count, char Glyph, string Colour)[] parts =
        [
            (tasks.Successful, '█', "green"),
            (tasks.Failed + tasks.FinishedUnknown, '▓', "red"),
            (tasks.Running, '▒', "yellow"),
            (tasks.Pending, '░', "grey"),
        ];
        var bar = new StringBuilder();
        var done = 0;
        var drawn = 0;
        foreach (var (count, glyph, colour) in parts)
        {
            done += count;
            // Each boundary is rounded from the running total, so the segments always add up to the bar's width.
            var upTo = tasks.Total == 0 ? 0 : (int)Math.Round((double)done * BarWidth / tasks.Total, MidpointRounding.AwayFromZero);
            if (upTo > drawn)
            {
                bar.Append(CultureInfo.InvariantCulture, $"[{colour}]{new string(glyph, upTo - drawn)}[/]");
                drawn = upTo;
            }
        }

        var counts = string.Join(", ", tasks.Named().Where(c => c.Count > 0).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Count} {c.Status}")));
        return new Markup($"{bar} {Markup.Escape(counts)}");
    }

    private static Style StatusStyle(string status) => status switch
    {
        "successful" => new Style(Color.Green),
        "failed" or "finished_unknown" => new Style(Color.Red),
        "running" => new Style(Color.Yellow),
        _ => new Style(Color.Grey),
    };
}
