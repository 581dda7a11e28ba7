using System.Globalization;
using System.Text;
using Flepimop2.Jobs;

namespace Flepimop2.Reports;

/// <summary>
/// The timeline of a report as SVG: one row per task (an ordinary job is one row; a chain's jobs come in submission order),
/// with its wait in the queue and its run in the colour of its state, on a wall-time axis in UTC. A sweep of more than
/// <see cref="MostTaskRows"/> tasks is drawn in groups of consecutive indices, each row split by state in proportion to its
/// counts, so a 10,000-task sweep takes about a hundred rows and stays readable and small.
/// </summary>
internal static class ReportTimeline
{
    /// <summary>A sweep with more tasks than this is drawn in groups.</summary>
    public const int MostTaskRows = 300;

    /// <summary>About how many rows a grouped sweep takes.</summary>
    public const int GroupedRows = 100;

    private const double Width = 960;
    private const double LabelWidth = 190;
    private const double Left = LabelWidth + 10;
    private const double Right = Width - 20;
    private const double Top = 34;
    private const double RowHeight = 16;
    private const double BarHeight = 11;

    /// <summary>The timeline as an <c>svg</c> element; with <paramref name="standalone"/> it carries its namespace, to be a file of its own.</summary>
    public static string Render(JobReport report, bool standalone = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = Rows(report);
        var height = Top + (rows.Count * RowHeight) + 40;
        var svg = new StringBuilder(4096 + (rows.Count * 400));
        svg.Append("<svg ");
        if (standalone)
        {
            // The namespace name is an identifier, never fetched.
            svg.Append("xmlns=\"http://www.w3.org/2000/svg\" ");
        }

        svg.Append(CultureInfo.InvariantCulture, $"class=\"timeline\" width=\"{ReportText.Px(Width)}\" height=\"{ReportText.Px(height)}\" viewBox=\"0 0 {ReportText.Px(Width)} {ReportText.Px(height)}\" role=\"img\" aria-label=\"timeline of {rows.Count} rows\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{ReportText.Px(Width)}\" height=\"{ReportText.Px(height)}\" fill=\"#ffffff\"/>\n");
        if (rows.Count == 0)
        {
            svg.Append("<text x=\"10\" y=\"20\">No jobs.</text></svg>\n");
            return svg.ToString();
        }

        var (from, to) = Window(rows, report.GeneratedAt);
        var scale = (Right - Left) / (to - from).TotalSeconds;
        double X(DateTimeOffset t) => Left + (Math.Clamp((t - from).TotalSeconds, 0, (to - from).TotalSeconds) * scale);

        Axis(svg, from, to, X, height);
        for (var i = 0; i < rows.Count; i++)
        {
            Row(svg, rows[i], Top + (i * RowHeight), X, report.GeneratedAt);
        }

        Legend(svg, height - 14);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>One drawn row: a task, a job, or a group of a sweep's tasks with its counts by state.</summary>
    internal sealed record Line(string Label, string Title, DateTimeOffset SubmittedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, JobStatus Status)
    {
        /// <summary>For a group, how many of its tasks are in each state (in drawing order); null for one task.</summary>
        public IReadOnlyList<(JobStatus Status, int Count)>? Counts { get; init; }
    }

    /// <summary>The rows, in the report's job order: each task, or for a large sweep each group of tasks.</summary>
    internal static List<Line> Rows(JobReport report)
    {
        var rows = new List<Line>();
        foreach (var job in report.Jobs)
        {
            if (job.Tasks.Count > MostTaskRows)
            {
                var size = (job.Tasks.Count + GroupedRows - 1) / GroupedRows;
                for (var first = 0; first < job.Tasks.Count; first += size)
                {
                    rows.Add(Group(job, job.Tasks.Skip(first).Take(size).ToList(), report.GeneratedAt));
                }

                continue;
            }

            foreach (var task in job.Tasks)
            {
                var label = task.Index is { } index ? string.Create(CultureInfo.InvariantCulture, $"{job.Key}[{index}]") : job.Key;
                rows.Add(new Line(label, Title(label, task), job.SubmittedAt, task.StartedAt, task.EndedAt, task.Status));
            }
        }

        return rows;
    }

    private static Line Group(ReportJob job, List<ReportTask> tasks, DateTimeOffset now)
    {
        var label = string.Create(CultureInfo.InvariantCulture, $"{job.Key}[{tasks[0].Index}-{tasks[^1].Index}]");
        var counts = Order.Select(s => (Status: s, Count: tasks.Count(t => t.Status == s))).Where(c => c.Count > 0).ToList();
        var started = tasks.Select(t => t.StartedAt).Where(t => t is not null).Min();
        var unfinished = tasks.Any(t => !t.Status.IsFinished());
        var ended = unfinished ? null : tasks.Select(t => t.EndedAt).Where(t => t is not null).Max();
        var title = $"{label}: {tasks.Count} tasks, " + string.Join(", ", counts.Select(c => $"{c.Count} {c.Status.ToWireName()}"));
        var status = unfinished ? (started is null ? JobStatus.Pending : JobStatus.Running) : counts[0].Status;
        return new Line(label, title, job.SubmittedAt, started, ended ?? (unfinished ? null : started is null ? null : now), status) { Counts = counts };
    }

    private static readonly JobStatus[] Order = [JobStatus.Successful, JobStatus.Failed, JobStatus.FinishedUnknown, JobStatus.Running, JobStatus.Pending];

    private static string Title(string label, ReportTask task)
    {
        var text = new StringBuilder(label).Append(": ").Append(task.Status.ToWireName());
        if (task.ExitCode is { } code)
        {
            text.Append(CultureInfo.InvariantCulture, $", exit code {code}");
        }

        if (task.StartedAt is { } started)
        {
            text.Append(", started ").Append(ReportText.Time(started));
        }

        if (task.ElapsedSeconds is { } elapsed)
        {
            text.Append(", ran ").Append(ReportText.Duration(elapsed));
        }

        if (task.Reason is { } reason)
        {
            text.Append(", ").Append(reason);
        }

        return text.ToString();
    }

    /// <summary>The axis's span: the first submission to the last end (or now, for what has not ended); at least a second.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To) Window(IReadOnlyList<Line> rows, DateTimeOffset now)
    {
        var from = rows.Min(r => r.SubmittedAt);
        var to = rows.Max(r => r.EndedAt ?? (r.Status.IsFinished() ? r.StartedAt ?? r.SubmittedAt : now));
        if (to < from)
        {
            to = from;
        }

        return (from, to - from < TimeSpan.FromSeconds(1) ? from + TimeSpan.FromSeconds(1) : to);
    }

    private static readonly long[] Steps =
        [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 2_592_000, 31_536_000];

    /// <summary>Ticks at round UTC times, at most about eight, each labelled; the caption says the zone and the span.</summary>
    private static void Axis(StringBuilder svg, DateTimeOffset from, DateTimeOffset to, Func<DateTimeOffset, double> x, double height)
    {
        var span = (to - from).TotalSeconds;
        var step = Steps.FirstOrDefault(s => span / s <= 8, Steps[^1]);
        var first = ((from.ToUnixTimeSeconds() / step) + 1) * step;
        var format = step >= 86_400 ? "MM-dd" : "HH:mm:ss";
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{ReportText.Px(Left)}\" y=\"12\" fill=\"#333333\">UTC, {ReportText.Time(from)} to {ReportText.Time(to)} ({ReportText.Duration(span)})</text>\n");
        for (var t = first; t <= to.ToUnixTimeSeconds(); t += step)
        {
            var at = x(DateTimeOffset.FromUnixTimeSeconds(t));
            var label = DateTimeOffset.FromUnixTimeSeconds(t).UtcDateTime.ToString(format, CultureInfo.InvariantCulture);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{ReportText.Px(at)}\" y1=\"{ReportText.Px(Top - 6)}\" x2=\"{ReportText.Px(at)}\" y2=\"{ReportText.Px(height - 30)}\" stroke=\"#e4e4e4\"/><text x=\"{ReportText.Px(at)}\" y=\"{ReportText.Px(Top - 9)}\" text-anchor=\"middle\" fill=\"#555555\">{label}</text>\n");
        }
    }

    private static void Row(StringBuilder svg, Line row, double y, Func<DateTimeOffset, double> x, DateTimeOffset now)
    {
        var bar = y + ((RowHeight - BarHeight) / 2);
        svg.Append("<g><title>").Append(ReportText.Html(row.Title)).Append("</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{ReportText.Px(LabelWidth)}\" y=\"{ReportText.Px(y + 12)}\" text-anchor=\"end\">{ReportText.Html(Shorten(row.Label))}</text>");

        // The wait: from submission to the start, or to now while it has not started.
        var waitEnd = row.StartedAt ?? (row.Status.IsFinished() ? (DateTimeOffset?)null : now);
        if (waitEnd is { } end)
        {
            Rect(svg, x(row.SubmittedAt), x(end), bar, BarHeight, ReportText.WaitColour);
        }

        if (row.StartedAt is { } started)
        {
            var runEnd = row.EndedAt ?? now;
            if (row.Counts is { } counts)
            {
                // A group: the run split top to bottom by state, each band as tall as its share of the tasks.
                var total = counts.Sum(c => c.Count);
                var top = bar;
                foreach (var (status, count) in counts)
                {
                    var h = BarHeight * count / total;
                    Rect(svg, x(started), x(runEnd), top, h, ReportText.Colour(status));
                    top += h;
                }
            }
            else
            {
                Rect(svg, x(started), x(runEnd), bar, BarHeight, ReportText.Colour(row.Status));
            }
        }
        else if (row.Status.IsFinished())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{ReportText.Px(Left - 8)}\" y=\"{ReportText.Px(bar)}\" width=\"6\" height=\"{ReportText.Px(BarHeight)}\" fill=\"{ReportText.Colour(row.Status)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{ReportText.Px(Left + 2)}\" y=\"{ReportText.Px(y + 12)}\" fill=\"#777777\">{row.Status.ToWireName()}, no times recorded</text>");
        }

        svg.Append("</g>\n");
    }

    /// <summary>A bar at least 2 px wide, so that a short run still shows.</summary>
    private static void Rect(StringBuilder svg, double x1, double x2, double y, double h, string colour) =>
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{ReportText.Px(x1)}\" y=\"{ReportText.Px(y)}\" width=\"{ReportText.Px(Math.Max(2, x2 - x1))}\" height=\"{ReportText.Px(h)}\" fill=\"{colour}\"/>");

    private static void Legend(StringBuilder svg, double y)
    {
        (string Colour, string Name)[] items =
        [
            (ReportText.WaitColour, "waiting in the queue"), (ReportText.RunningColour, "running"), (ReportText.SuccessfulColour, "ran, successful"),
            (ReportText.FailedColour, "ran, failed"), (ReportText.UnknownColour, "ended, unknown how"),
        ];
        var x = Left;
        foreach (var (colour, name) in items)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{ReportText.Px(x)}\" y=\"{ReportText.Px(y - 9)}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{ReportText.Px(x + 14)}\" y=\"{ReportText.Px(y)}\">{name}</text>\n");
            x += 30 + (name.Length * 5.6);
        }
    }

    /// <summary>A label that fits its column: the end of a long key, which tells keys apart.</summary>
    private static string Shorten(string label) => label.Length <= 30 ? label : "..." + label[^27..];
}
