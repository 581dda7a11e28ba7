using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>job report</c> of a sweep on the real Grid Engine cell of this machine (scripts/gridengine/start-cell.sh), rendered by
/// headless Chromium: a row per task in the colours of their states.
/// </summary>
[Trait(Needs.Trait, Needs.GridEngine)]
public sealed class GridEngineReportCliSpecs
{
    [Fact]
    public async Task The_report_of_a_grid_engine_sweep_renders_in_a_browser_with_a_row_per_task()
    {
        // The jobs run in a directory without a space in its path; the store is the project's.
        var run = Directory.CreateTempSubdirectory("flepimop2-ge-report-").FullName;
        try
        {
            using var project = new TempProject($"jobs:\n  ge: {{module: gridengine, h_vmem: 2G, h_rt: \"10\", chdir: {run}, script-directory: {run}}}\n");
            var submit = await project.Run("job", "run", "-j", "ge", "--repeat", "3", "--", "sh", "-c", "sleep 1; [ \"$FLEPIMOP2_TASK_INDEX\" != 1 ]");
            Assert.True(submit.ExitCode == 0, submit.ToString());
            var key = submit.StdoutLines[^1].Split(' ')[0];
            var wait = await project.Run("job", "wait", key, "--timeout", "110");
            Assert.True(wait.ExitCode == 1, wait.ToString());

            await ReportPage.CheckSweepReportAsync(project, key, "gridengine", "<tr><td>1</td><td>failed</td><td>1</td>", rows: 3);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }
}
