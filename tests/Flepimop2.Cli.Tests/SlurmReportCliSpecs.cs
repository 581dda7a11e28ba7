using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>job report</c> of a sweep on the real cluster of this machine, rendered by headless Chromium: a row per task in the
/// colours of their states, and the usage Slurm's accounting gives against the request and the limit.
/// </summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmReportCliSpecs
{
    [Fact]
    public async Task The_report_of_a_slurm_sweep_renders_in_a_browser_with_a_row_per_task_and_its_usage_against_the_limit()
    {
        using var project = SlurmCluster.Project();
        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "ok", "-t", "fail", "--repeat", "2", "--max-parallel", "2"));
        var wait = await project.Run("job", "wait", key, "--timeout", "120");
        Assert.True(wait.ExitCode == 1, wait.ToString());

        var html = await ReportPage.CheckSweepReportAsync(project, key, "slurm", "<tr><td>3</td><td>failed</td><td>7</td>", rows: 4);

        Assert.Contains("run time over its limit, 4 tasks", html, StringComparison.Ordinal);
    }
}
