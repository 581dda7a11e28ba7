using System.Diagnostics;
using System.Text.Json.Nodes;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Packed sweeps through the command line on the real cluster: <c>--tasks-per-job</c> and the runner's
/// <c>tasks-per-job:</c> make fewer array tasks, and each task still has its index, exit code, log, status and retry.
/// </summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmPackedCliSpecs
{
    [Fact]
    public async Task Five_tasks_two_to_an_array_task_make_three_array_tasks_and_each_task_keeps_its_own_end_log_and_retry()
    {
        using var project = SlurmCluster.Project();

        var key = SlurmCluster.KeyOf(await project.Run(
            "job", "run", "-j", "hpc", "--repeat", "5", "--tasks-per-job", "2", "--max-parallel", "2", "--",
            "sh", "-c", "echo \"$FLEPIMOP2_TASK_INDEX/$FLEPIMOP2_TASK_COUNT\"; exit $((FLEPIMOP2_TASK_INDEX == 3 ? 4 : 0))"));
        var wait = await project.Run("job", "wait", key, "--timeout", "240");
        var status = JsonNode.Parse((await project.Run("job", "status", key, "--json")).Stdout)!;
        var log = await project.Run("job", "logs", key, "--task", "3");
        var retry = SlurmCluster.KeyOf(await project.Run("job", "retry", key, "--failed-tasks"));
        var again = await project.Run("job", "wait", retry, "--timeout", "240");
        var retried = JsonNode.Parse((await project.Run("job", "status", retry, "--json")).Stdout)!;

        Assert.True(wait.ExitCode == 1, wait.ToString());
        var tasks = status["tasks"]!["list"]!.AsArray();
        var array = (string)status["job_id"]!;
        Assert.Equal([$"{array}_0", $"{array}_0", $"{array}_1", $"{array}_1", $"{array}_2"], tasks.Select(t => (string)t!["job_id"]!));
        Assert.Equal([0, 0, 0, 4, 0], tasks.Select(t => (int)t!["exit_code"]!));
        Assert.Equal(2, (int)status["metadata"]!["sweep"]!["tasks_per_job"]!);
        Assert.Equal("3/5", log.Stdout.Trim());
        Assert.Equal(3, await SacctRowsAsync(array, 3));
        Assert.Equal(1, again.ExitCode);
        Assert.Equal([3], retried["tasks"]!["list"]!.AsArray().Select(t => (int)t!["index"]!));
        Assert.Equal(4, (int)retried["tasks"]!["list"]![0]!["exit_code"]!);
    }

    [Fact]
    public async Task The_runners_tasks_per_job_packs_a_sweep_of_steps_and_its_dry_run_says_so()
    {
        using var project = SlurmCluster.Project();
        File.WriteAllText(project.Combine("config.yaml"), File.ReadAllText(project.Combine("config.yaml")).Replace("    memory: 200M\n", "    memory: 200M\n    tasks-per-job: 3\n", StringComparison.Ordinal));

        var dry = await project.Run("job", "process", "-j", "hpc", "-t", "ok", "--repeat", "7", "--dry-run");
        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "ok", "--repeat", "4"));
        var wait = await project.Run("job", "wait", key, "--timeout", "240");
        var log = await project.Run("job", "logs", key, "--task", "3");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("  tasks_per_job: 3", dry.StdoutLines);
        Assert.Contains("  array_tasks: 3", dry.StdoutLines);
        Assert.Contains("  arrays: 0-2", dry.StdoutLines);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Contains("hello from slurm $HOME is not expanded a;b", log.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, await SacctRowsAsync(key.Split('-')[1], 2));
    }

    /// <summary>How many rows accounting lists for the array's tasks (steps left out), asked until it lists <paramref name="expected"/> (it may lag the end by seconds) or 30 s have passed.</summary>
    private static async Task<int> SacctRowsAsync(string array, int expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var start = new ProcessStartInfo("sacct") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-X", "-n", "-P", "-o", "JobID", "-j", array })
            {
                start.ArgumentList.Add(arg);
            }

            using var sacct = Process.Start(start)!;
            var output = await sacct.StandardOutput.ReadToEndAsync();
            Assert.True(sacct.WaitForExit(TimeSpan.FromMinutes(1)), "sacct did not answer");
            var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (rows == expected || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return rows;
            }

            await Task.Delay(1000);
        }
    }
}
