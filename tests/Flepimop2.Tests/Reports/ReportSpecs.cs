using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flepimop2.Jobs;
using Flepimop2.Reports;
using Flepimop2.Store;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Reports;

/// <summary>
/// The report from status results to HTML, with no process in sight: the rows and figures it takes from a status's detail,
/// the order of a chain, a job without usage figures, hostile text, a 10,000-task sweep drawn in groups, and the file write.
/// </summary>
public sealed partial class ReportSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static StoredJob Stored(string id, DateTimeOffset submitted, JsonObject? config = null) =>
        new($"slurm-{id}", new JobHandle(id, "slurm", submitted), config ?? new JsonObject { ["module"] = "flepimop2.job.slurm", ["memory"] = "1G" });

    private static Dictionary<string, JsonNode?> Detail(params (string Key, JsonNode? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    [Fact]
    public void A_row_takes_its_times_and_usage_from_the_detail_and_fills_a_missing_end_from_the_run_time()
    {
        var full = ReportBuilder.Task(null, JobStatus.Successful, Detail(
            ("started_at", "2026-12-05T10:00:05Z"), ("ended_at", "2026-12-05T10:01:05Z"), ("max_rss_bytes", 1_048_576), ("req_mem_bytes", 2_097_152),
            ("elapsed_seconds", 60), ("time_limit_seconds", 300)), 0);
        var endOnly = ReportBuilder.Task(3, JobStatus.Failed, Detail(("ended_at", "2026-12-05T10:01:00Z"), ("elapsed_seconds", 30.5), ("peak_rss_bytes", 4096)), 2);
        var none = ReportBuilder.Task(4, JobStatus.FinishedUnknown, Detail(("reason", "it was killed\nwith its recorder")), null);

        Assert.Equal((At.AddSeconds(5), At.AddSeconds(65), 1_048_576L, 2_097_152L, 60.0, 300.0), (full.StartedAt, full.EndedAt, full.PeakBytes, full.RequestBytes, full.ElapsedSeconds, full.LimitSeconds));
        Assert.Equal((At.AddSeconds(29.5), At.AddSeconds(60), 4096L, 2), (endOnly.StartedAt, endOnly.EndedAt, endOnly.PeakBytes, endOnly.ExitCode));
        Assert.False(none.HasUsage);
        Assert.Null(none.StartedAt);
        Assert.Equal("it was killed\\nwith its recorder", none.Reason);
    }

    [Fact]
    public void A_chain_is_reported_in_submission_order_whatever_order_its_keys_were_given_in()
    {
        var first = Stored("1", At);
        var second = Stored("2", At.AddSeconds(1));

        var report = ReportBuilder.Build([(second, new JobStatusResult(second.Handle, JobStatus.Successful)), (first, new JobStatusResult(first.Handle, JobStatus.Failed))], At.AddMinutes(1), "test");

        Assert.Equal(["slurm-1", "slurm-2"], report.Jobs.Select(j => j.Key));
    }

    [Fact]
    public void The_provenance_and_the_right_size_suggestion_come_from_the_record_and_the_usage()
    {
        var provenance = new JobProvenance("/p/config.yaml", "ab12", "/p/run/config.yaml", "0123abc", true, "1.2.3", ["flepimop2", "process", "a b"], new Dictionary<string, string> { ["SECRET"] = "x" }, "/p/run/job.sh");
        var handle = new JobHandle("7", "slurm", At) { Provenance = provenance };
        var ended = new JobStatusResult(handle, JobStatus.Successful) { Detail = Detail(("max_rss_bytes", 200L << 20), ("elapsed_seconds", 100)) };
        var running = new JobStatusResult(handle, JobStatus.Running) { Detail = ended.Detail };

        var entries = ReportProvenance.Of(ended).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal("0123abc (tracked files changed)", entries["git commit"]);
        Assert.Equal("flepimop2 process 'a b'", entries["command"]);
        Assert.Equal("SECRET", entries["environment"]);
        Assert.Equal("/p/run/job.sh", entries["batch script"]);
        Assert.Equal(RightSizing.Suggest(ended).ToString(), entries["next run (right-size)"]);
        Assert.DoesNotContain(ReportProvenance.Of(running), kv => kv.Key == "next run (right-size)");
    }

    [Fact]
    public void The_runner_shows_its_options_but_only_the_names_of_its_environment()
    {
        var runner = ReportBuilder.Runner(new JsonObject { ["module"] = "flepimop2.job.shell", ["cwd"] = null, ["env"] = new JsonObject { ["TOKEN"] = "s3cret", ["PATH"] = "/bin" }, ["detach"] = true });

        Assert.Equal(["module: flepimop2.job.shell", "env: TOKEN, PATH (values not shown)", "detach: true"], runner.Select(kv => $"{kv.Key}: {kv.Value}"));
    }

    [Fact]
    public void A_job_without_usage_figures_says_so_instead_of_drawing_zeros()
    {
        var job = Stored("7", At);
        var report = ReportBuilder.Build([(job, new JobStatusResult(job.Handle, JobStatus.Successful))], At.AddMinutes(1), "test");

        var html = ReportHtml.Render(report);

        Assert.Contains("No usage figures recorded for this job (the slurm runner gave none for it)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"strip\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"histogram\"", html, StringComparison.Ordinal);
        Assert.Contains("slurm-7: successful", html, StringComparison.Ordinal);
        Assert.Contains("successful, no times recorded", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_in_a_command_a_reason_a_configuration_value_or_the_retry_command_stays_inert_text()
    {
        const string Hostile = "</script><svg onload=alert(1)><a href=\"http://evil.example\">x</a>\u001b[31m";
        var job = Stored("9", At, new JsonObject { ["module"] = Hostile, ["memory"] = Hostile });
        var handle = job.Handle with
        {
            Metadata = new Dictionary<string, JsonNode?> { ["command"] = new JsonObject { ["argv"] = new JsonArray("sh", "-c", Hostile), ["flepimop2"] = false } },
        };
        var status = new JobStatusResult(handle, JobStatus.Failed) { Detail = Detail(("reason", Hostile), ("max_rss_bytes", 10)) };

        var html = ReportHtml.Render(ReportBuilder.Build([(job with { Handle = handle }, status)], At.AddMinutes(1), Hostile, _ => Hostile));

        Assert.DoesNotContain("<svg onload", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("</script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", html, StringComparison.Ordinal);
        Assert.Contains("&lt;/script&gt;&lt;svg onload=alert(1)&gt;&lt;a href=&quot;http://evil.example&quot;&gt;", html, StringComparison.Ordinal);
        Assert.Subset(Allowed, Tags().Matches(html).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet());
    }

    [Fact]
    public void A_ten_thousand_task_sweep_is_drawn_in_about_a_hundred_rows_and_the_file_stays_small()
    {
        var report = LargeSweep(10_000);

        var rows = ReportTimeline.Rows(report);
        var html = ReportHtml.Render(report);

        Assert.Equal(ReportTimeline.GroupedRows, rows.Count);
        Assert.Equal("slurm-1[0-99]", rows[0].Label);
        Assert.Equal([(JobStatus.Successful, 97), (JobStatus.Failed, 3)], rows[0].Counts!);
        Assert.True(html.Length < 150_000, $"{html.Length} characters");
        Assert.Contains("peak memory over its limit, 10,000 tasks", html, StringComparison.Ordinal);
        Assert.Contains($"... and {Enumerable.Range(0, 10_000).Count(i => i % 33 == 32) - ReportHtml.MostFailedListed} more", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sweep_of_a_few_hundred_tasks_keeps_one_row_per_task()
    {
        Assert.Equal(ReportTimeline.MostTaskRows, ReportTimeline.Rows(LargeSweep(ReportTimeline.MostTaskRows)).Count);
        Assert.InRange(ReportTimeline.Rows(LargeSweep(ReportTimeline.MostTaskRows + 1)).Count, ReportTimeline.GroupedRows / 2, ReportTimeline.GroupedRows);
    }

    /// <summary>A finished Slurm sweep whose every 33rd task failed (3 in each hundred), each with times and usage.</summary>
    internal static JobReport LargeSweep(int count)
    {
        var job = Stored("1", At);
        var tasks = Enumerable.Range(0, count).Select(i => new SweepTaskStatus(i, i % 33 == 32 ? JobStatus.Failed : JobStatus.Successful)
        {
            ExitCode = i % 33 == 32 ? 1 : 0,
            Detail = Detail(
                ("started_at", Iso(At.AddSeconds(i / 10))), ("ended_at", Iso(At.AddSeconds((i / 10) + 30 + (i % 7)))), ("elapsed_seconds", 30 + (i % 7)),
                ("max_rss_bytes", 100_000_000 + (i * 1000)), ("req_mem_bytes", 1L << 30), ("time_limit_seconds", 300)),
        }).ToList();
        var sweep = new SweepStatus(tasks);
        return ReportBuilder.Build([(job, new JobStatusResult(job.Handle, sweep.Overall) { Sweep = sweep })], At.AddHours(1), "test");
    }

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    [SeededProperty(MaxTest = 500)]
    public Property Any_text_is_escaped_into_inert_html() =>
        Prop.ForAll(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).ToArbitrary(),
            text =>
            {
                var html = ReportText.Html(text);
                return html.IndexOfAny(['<', '>', '"', '\'']) < 0 && !html.Any(char.IsControl);
            });

    [Fact]
    public void A_report_file_is_written_whole_and_a_missing_directory_is_an_error_that_writes_nothing()
    {
        using var temp = new TempDirectory();

        ReportFile.Write(temp.Combine("r.html"), "<p>whole</p>");
        var missing = Assert.Throws<ReportWriteException>(() => ReportFile.Write(temp.Combine("no", "r.html"), "x"));
        var directory = Assert.Throws<ReportWriteException>(() => ReportFile.Write(temp.Path, "x"));

        Assert.Equal("<p>whole</p>", File.ReadAllText(temp.Combine("r.html")));
        Assert.Contains("does not exist; create it, or name another file with --output FILE", missing.Message, StringComparison.Ordinal);
        Assert.Contains("it is a directory", directory.Message, StringComparison.Ordinal);
        Assert.Equal(["r.html"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    /// <summary>Every element the report writes itself; any other in a page came from a record.</summary>
    private static readonly HashSet<string> Allowed =
        ["html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "dl", "dt", "dd", "div", "pre", "table", "caption", "tr", "th", "td", "code", "svg", "g", "text", "rect", "line"];

    [GeneratedRegex(@"<\s*/?\s*([A-Za-z][\w:-]*)")]
    private static partial Regex Tags();
}
