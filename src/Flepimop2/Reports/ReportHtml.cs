using System.Globalization;
using System.Text;
using Flepimop2.Jobs;

namespace Flepimop2.Reports;

/// <summary>
/// A report as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched (it must open from a cluster's
/// scratch directory on a laptop with no network), and a content security policy that would stop anything from loading or
/// running even if a record smuggled markup past the escaping. Every piece of outside text goes through <see cref="ReportText.Html"/>.
/// </summary>
internal static class ReportHtml
{
    /// <summary>The most failed tasks listed one by one; the rest are counted.</summary>
    public const int MostFailedListed = 200;

    private const string Style = """
        body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1000px}
        h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccc}h3{font-size:1em}
        dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}
        pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap;word-break:break-all}
        table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.15em .5em;text-align:left;vertical-align:top}
        .none{color:#666;font-style:italic}.successful{color:#2f9e44}.failed{color:#e03131}.running{color:#3b7dd8}
        .finished_unknown{color:#9c36b5}.pending{color:#a07400}
        """;

    /// <summary>The whole page.</summary>
    public static string Render(JobReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var keys = string.Join(", ", report.Jobs.Select(j => j.Key));
        var html = new StringBuilder(16_384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>flepimop2 job report: ").Append(ReportText.Html(keys)).Append("</title>\n");
        html.Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>Job report: ").Append(ReportText.Html(keys)).Append("</h1>\n");
        html.Append("<p>Made ").Append(ReportText.Time(report.GeneratedAt)).Append(" UTC by ").Append(ReportText.Html(report.Generator))
            .Append(". Times are UTC; hover over a row for its task.</p>\n");
        html.Append("<h2>Timeline</h2>\n").Append(ReportTimeline.Render(report));
        foreach (var job in report.Jobs)
        {
            Job(html, job);
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Job(StringBuilder html, ReportJob job)
    {
        var status = job.Status.ToWireName();
        html.Append("<h2>").Append(ReportText.Html(job.Key)).Append(" <span class=\"").Append(status).Append("\">").Append(status).Append("</span></h2>\n<dl>\n");
        Entry(html, "backend", job.Backend);
        Entry(html, "submitted", ReportText.Time(job.SubmittedAt) + " UTC");
        if (job.Target is { } target)
        {
            Entry(html, "target", target);
        }

        if (job.IsSweep)
        {
            var counts = job.Tasks.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{ReportText.Count(g.Count())} {g.Key.ToWireName()}");
            Entry(html, "tasks", $"{ReportText.Count(job.Tasks.Count)} ({string.Join(", ", counts)})");
        }

        html.Append("</dl>\n");
        Usage(html, job);
        Failures(html, job);
        Submission(html, job);
    }

    private static void Usage(StringBuilder html, ReportJob job)
    {
        html.Append("<h3>Usage</h3>\n");
        var used = job.Tasks.Where(t => t.HasUsage).ToList();
        if (used.Count == 0)
        {
            html.Append("<p class=\"none\">No usage figures recorded for this job (")
                .Append(job.Status.IsFinished() ? $"the {ReportText.Html(job.Backend)} runner gave none for it" : "it has not ended")
                .Append("): nothing is drawn rather than zeros.</p>\n");
            return;
        }

        if (!job.IsSweep)
        {
            var task = used[0];
            html.Append("<div>");
            html.Append(task.PeakBytes is { } peak ? ReportCharts.Strip("peak memory", peak, task.RequestBytes, ReportText.Bytes) : "<p class=\"none\">No peak memory recorded.</p>");
            html.Append(task.ElapsedSeconds is { } run ? ReportCharts.Strip("run time", run, task.LimitSeconds, ReportText.Duration) : "<p class=\"none\">No run time recorded.</p>");
            html.Append("</div>\n");
            return;
        }

        Histogram(html, job, "peak memory", t => t.PeakBytes, t => t.RequestBytes, ReportText.Bytes);
        Histogram(html, job, "run time", t => t.ElapsedSeconds, t => t.LimitSeconds, ReportText.Duration);
    }

    private static void Histogram(StringBuilder html, ReportJob job, string what, Func<ReportTask, double?> value, Func<ReportTask, double?> limit, Func<double, string> format)
    {
        var tasks = job.Tasks.Where(t => value(t) is not null).ToList();
        if (tasks.Count == 0)
        {
            html.Append("<p class=\"none\">No ").Append(what).Append(" recorded for any task.</p>\n");
            return;
        }

        var limits = tasks.All(t => limit(t) is not null) ? tasks.Select(t => limit(t)!.Value).ToList() : null;
        html.Append("<div>").Append(ReportCharts.Histogram(what, [.. tasks.Select(t => value(t)!.Value)], limits, format));
        if (tasks.Count < job.Tasks.Count)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"none\">{ReportText.Count(job.Tasks.Count - tasks.Count)} tasks have no {what} recorded and are not counted.</p>");
        }

        html.Append("</div>\n");
    }

    private static void Failures(StringBuilder html, ReportJob job)
    {
        var failed = job.Tasks.Where(t => t.Status is JobStatus.Failed or JobStatus.FinishedUnknown).ToList();
        if (failed.Count > 0)
        {
            html.Append(job.IsSweep ? "<h3>Failed tasks</h3>\n" : "<h3>Why it failed</h3>\n");
            html.Append("<table>\n<tr>").Append(job.IsSweep ? "<th>task</th>" : string.Empty).Append("<th>status</th><th>exit code</th><th>reason</th></tr>\n");
            foreach (var task in failed.Take(MostFailedListed))
            {
                html.Append("<tr>");
                if (task.Index is { } index)
                {
                    html.Append("<td>").Append(index.ToString(CultureInfo.InvariantCulture)).Append("</td>");
                }

                html.Append("<td>").Append(task.Status.ToWireName()).Append("</td><td>")
                    .Append(task.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-").Append("</td><td>")
                    .Append(ReportText.Html(task.Reason ?? "-")).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
            if (failed.Count > MostFailedListed)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>... and {ReportText.Count(failed.Count - MostFailedListed)} more (<code>flepimop2 job status {ReportText.Html(job.Key)} --json</code> lists them all).</p>\n");
            }
        }

        if (job.RetryCommand is { } retry)
        {
            html.Append("<p>To run it again with what it needed:</p>\n<pre>").Append(ReportText.Html(retry)).Append("</pre>\n");
        }
    }

    private static void Submission(StringBuilder html, ReportJob job)
    {
        html.Append("<h3>Submission</h3>\n");
        html.Append("<p>Command line:</p>\n<pre>")
            .Append(job.CommandLine is { } command ? ReportText.Html(command) : job.IsSweep ? "(each task's own command, in the sweep's task table)" : "(not recorded)")
            .Append("</pre>\n");
        Table(html, "Runner (" + job.Backend + ")", job.Runner);
        if (job.Provenance.Count > 0)
        {
            Table(html, "Provenance", job.Provenance);
        }
        else
        {
            html.Append("<p class=\"none\">No provenance recorded for this submission.</p>\n");
        }

        if (job.DetailLines.Count > 0)
        {
            html.Append("<p>Status detail:</p>\n<pre>").Append(string.Join('\n', job.DetailLines.Select(ReportText.Html))).Append("</pre>\n");
        }
    }

    private static void Table(StringBuilder html, string caption, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        html.Append("<table>\n<caption>").Append(ReportText.Html(caption)).Append("</caption>\n");
        foreach (var (name, value) in entries)
        {
            html.Append("<tr><th>").Append(ReportText.Html(name)).Append("</th><td>").Append(ReportText.Html(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Entry(StringBuilder html, string name, string value) =>
        html.Append("<dt>").Append(ReportText.Html(name)).Append("</dt><dd>").Append(ReportText.Html(value)).Append("</dd>\n");
}
