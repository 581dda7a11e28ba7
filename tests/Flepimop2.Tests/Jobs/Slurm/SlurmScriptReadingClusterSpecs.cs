using System.Diagnostics;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// No text of a job's own is read by sbatch as a directive, on the real cluster: sbatch reads <c>#PBS</c> and <c>#BSUB</c>
/// lines anywhere in a script (past its first command too, and over its <c>#SBATCH</c> lines), so a pre-command that is one
/// would rename the job or change its time limit.
/// </summary>
[Collection("slurm")]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmScriptReadingClusterSpecs(SlurmClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Pbs_and_bsub_lines_in_pre_and_post_commands_neither_rename_the_job_nor_change_its_time_limit()
    {
        var settings = cluster.Settings() with { Time = "5" };
        var options = SlurmRunners.Create(settings).Options with
        {
            PreCommands = ["#BSUB -J renamed-by-bsub", "#PBS -l walltime=00:00:07", "#PBS -N renamed-by-pbs"],
            PostCommands = ["#BSUB -W 1", "#PBS -l walltime=00:00:08"],
        };
        var runner = new SlurmJobRunner(options, new BatchRunnerParts(settings.Tools, TimeProvider.System, settings.FindTool));

        var handle = await RunnerSteps.SubmitAsync(runner, "exit", "0");
        var job = Scontrol(handle.JobId);
        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Contains(" JobName=flepimop2:", job, StringComparison.Ordinal);
        Assert.DoesNotContain("renamed", job, StringComparison.Ordinal);
        Assert.Contains(" TimeLimit=00:05:00 ", job, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Successful, last.Status);
    }

    /// <summary>What <c>scontrol show job -o</c> says of one job, on one line.</summary>
    private static string Scontrol(string jobId)
    {
        var start = new ProcessStartInfo("scontrol") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "show", "job", "-o", jobId })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"scontrol show job {jobId}: {process.StandardError.ReadToEnd()}");
        return output;
    }
}
