using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The report of a shell chain as a person sees it: headless Chromium renders the HTML file to a PNG, which is not blank and
/// shows one timeline row per task and job in the colours of their states. Chromium comes from Debian's package, which only
/// a root install puts on the machine (scripts/install-test-browser.sh, run by scripts/test.sh).
/// </summary>
[Trait(Needs.Trait, Needs.Root)]
public sealed class ReportRenderSpecs
{
    [Fact]
    public async Task The_report_of_a_shell_chain_renders_in_a_browser_with_a_row_per_task_and_job()
    {
        using var project = new TempProject(ReportCliSpecs.Config);
        var (sweep, after) = await ReportCliSpecs.ChainAsync(project);
        var report = await project.Run("job", "report", sweep, after);
        Assert.True(report.ExitCode == 0, report.ToString());

        var shot = await Chromium.ScreenshotAsync(project.Combine($"{sweep}.report.html"));

        ReportPage.AssertShowsRows(shot, rows: 4, ReportPage.Successful, ReportPage.Failed);
    }
}
