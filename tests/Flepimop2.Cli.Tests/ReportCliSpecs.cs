namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 job report</c> on shell jobs: a sweep and the job after it, written as one self-contained HTML file (or the
/// timeline alone as SVG), with nothing that points outside it, hostile text kept as text, and a clear error where the file
/// cannot go. The screenshot of the same report is <see cref="ReportRenderSpecs"/>.
/// </summary>
public sealed class ReportCliSpecs
{
    public const string Config = "jobs:\n  local: {module: shell}\n";

    /// <summary>A sweep of three tasks whose task 1 fails, and a job after it (after-any); both ended. Returns their keys.</summary>
    public static async Task<(string Sweep, string After)> ChainAsync(TempProject project, params string[] extra)
    {
        var sweep = await project.Run("job", "run", "--repeat", "3", "--", "sh", "-c", "sleep 0.3; [ \"$FLEPIMOP2_TASK_INDEX\" != 1 ]");
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        var sweepKey = sweep.StdoutLines[^1].Split(' ')[0];
        var after = await project.Run(["job", "run", "--after-any", sweepKey, "--", "sh", "-c", "sleep 0.2", .. extra]);
        Assert.True(after.ExitCode == 0, after.ToString());
        var afterKey = after.StdoutLines[^1].Split(' ')[0];
        var wait = await project.Run("job", "wait", sweepKey, afterKey, "--timeout", "60");
        Assert.True(wait.ExitCode == 1, wait.ToString());
        return (sweepKey, afterKey);
    }

    [Fact]
    public async Task A_report_of_a_shell_chain_is_one_html_file_beside_the_store_with_every_task_and_no_external_reference()
    {
        using var project = new TempProject(Config);
        var (sweep, after) = await ChainAsync(project);

        var report = await project.Run("job", "report", sweep, after);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal($"{sweep}.report.html", Assert.Single(report.StdoutLines));
        var html = File.ReadAllText(project.Combine($"{sweep}.report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Empty(ReportPage.ExternalReferences(html));
        foreach (var forbidden in new[] { "http:", "https:", "//", "src=", "href=", "@import", "url(", "<script" })
        {
            Assert.DoesNotContain(forbidden, html, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var row in new[] { $"{sweep}[0]", $"{sweep}[1]", $"{sweep}[2]", $"{after}:" })
        {
            Assert.Contains(row, html, StringComparison.Ordinal);
        }

        // The chain in order: the sweep's section before the job that waited for it, and the failed task with its code.
        Assert.True(html.IndexOf($"<h2>{sweep} ", StringComparison.Ordinal) < html.IndexOf($"<h2>{after} ", StringComparison.Ordinal), html);
        Assert.Contains("<tr><td>1</td><td>failed</td><td>1</td>", html, StringComparison.Ordinal);
        Assert.Contains("sh -c &#39;sleep 0.2&#39;", html, StringComparison.Ordinal);
        Assert.Contains("after: " + sweep + " (must end)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_holds_markup_stays_text_in_the_report()
    {
        using var project = new TempProject(Config);
        var hostile = "</script><svg onload=alert(1)><img src=x onerror=alert(2)><style>@import url(http://evil.example/x.css)</style>";
        var (sweep, after) = await ChainAsync(project, "argv0", hostile);

        var report = await project.Run("job", "report", after, sweep, "--output", "chain.html");

        Assert.True(report.ExitCode == 0, report.ToString());
        var html = File.ReadAllText(project.Combine("chain.html"));
        Assert.Empty(ReportPage.ExternalReferences(html));
        Assert.DoesNotContain("<svg onload", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("</script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;/script&gt;&lt;svg onload=alert(1)&gt;&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<style>"));
    }

    [Fact]
    public async Task The_timeline_alone_is_an_svg_file_and_dash_writes_it_to_stdout()
    {
        using var project = new TempProject(Config);
        var (sweep, after) = await ChainAsync(project);

        var file = await project.Run("job", "report", sweep, after, "--format", "svg");
        var stdout = await project.Run("job", "report", sweep, "--format", "svg", "-o", "-");

        Assert.True(file.ExitCode == 0, file.ToString());
        var svg = File.ReadAllText(project.Combine($"{sweep}.report.svg"));
        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" ", svg, StringComparison.Ordinal);
        Assert.Empty(ReportPage.ExternalReferences(svg.Replace("xmlns=\"http://www.w3.org/2000/svg\" ", string.Empty, StringComparison.Ordinal)));
        Assert.Contains($"{after}:", svg, StringComparison.Ordinal);
        Assert.True(stdout.ExitCode == 0, stdout.ToString());
        Assert.StartsWith("<svg ", stdout.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain($"{after}:", stdout.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_that_cannot_be_written_says_where_and_what_to_do_and_leaves_nothing()
    {
        using var project = new TempProject(Config);
        var (sweep, _) = await ChainAsync(project);
        File.WriteAllText(project.Combine("taken"), "a file, not a directory");

        var missing = await project.Run("job", "report", sweep, "--output", "no/such/dir/r.html");
        var underFile = await project.Run("job", "report", sweep, "--output", "taken/r.html");
        var unknown = await project.Run("job", "report", "shell-nosuchjob");
        var format = await project.Run("job", "report", sweep, "--format", "pdf");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"cannot write the report '{project.Combine("no", "such", "dir", "r.html")}'", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("--output FILE", missing.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, underFile.ExitCode);
        Assert.Contains($"cannot write the report '{project.Combine("taken", "r.html")}'", underFile.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("shell-nosuchjob", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, format.ExitCode);
        Assert.False(Directory.Exists(project.Combine("no")));
        Assert.Equal(["config.yaml", "taken"], Directory.GetFiles(project.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
