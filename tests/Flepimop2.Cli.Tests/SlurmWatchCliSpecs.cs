using System.Text.Json.Nodes;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 job watch</c> against the real cluster, with every Slurm tool it runs counted: a round costs one <c>squeue</c>
/// and one <c>sacct</c> for all the jobs and all the tasks of a sweep, never a call per job or per task.
/// </summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmWatchCliSpecs
{
    private static readonly string[] Tools = ["sbatch", "squeue", "sacct", "scontrol", "scancel"];

    [Fact]
    public async Task Watch_asks_slurm_about_every_job_and_every_task_of_a_sweep_with_one_squeue_and_one_sacct_a_round()
    {
        using var project = SlurmCluster.Project();
        var jobs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add(SlurmCluster.KeyOf(await project.Run("job", "run", "-j", "hpc", "--", "sleep", "2")));
        }

        var sweep = SlurmCluster.KeyOf(await project.Run("job", "run", "-j", "hpc", "--repeat", "3", "--", "sh", "-c", "sleep 1; [ \"$FLEPIMOP2_TASK_INDEX\" != 2 ]"));
        try
        {
            var calls = project.Combine("calls.log");
            var environment = CountingTools.Put(project.Combine("counting tools"), calls, Tools);

            // Without keys: every job the store does not know to have finished, here the four just submitted.
            var watch = await CliRunner.RunAsync(project.Path, environment, "job", "watch", "--interval", "0.5");

            Assert.True(watch.ExitCode == 1, watch.ToString());
            var lines = watch.StdoutLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            foreach (var job in jobs)
            {
                Assert.Equal("successful", (string?)lines.Last(l => (string?)l["key"] == job)["status"]);
            }

            var end = lines.Last(l => (string?)l["key"] == sweep);
            Assert.Equal("failed", (string?)end["status"]);
            Assert.Equal((3, 2, 1), ((int)end["tasks"]!["total"]!, (int)end["tasks"]!["successful"]!, (int)end["tasks"]!["failed"]!));

            // The watch ends in the round that saw the last job finish, which printed a line: the last line's round is the
            // number of rounds.
            var rounds = (int)lines[^1]["round"]!;
            var log = File.ReadAllLines(calls);
            var byTool = log.GroupBy(l => l.Split(' ')[0]).ToDictionary(g => g.Key, g => g.Count());
            var summary = $"{rounds} rounds; calls:\n{string.Join('\n', log)}";
            Assert.True(rounds >= 2, summary);
            Assert.Equal(rounds, byTool.GetValueOrDefault("squeue"));
            Assert.Equal(rounds, byTool.GetValueOrDefault("sacct"));
            Assert.Equal(2 * rounds, log.Length);

            // The first round asks about all four jobs (the sweep by its array) in that one squeue call.
            var first = log.First(l => l.StartsWith("squeue ", StringComparison.Ordinal));
            Assert.All(jobs.Append(sweep), key => Assert.Contains(key["slurm-".Length..], first, StringComparison.Ordinal));
        }
        finally
        {
            await SlurmCluster.CancelQuietlyAsync([.. jobs, sweep]);
        }
    }

    [Fact]
    public async Task Eight_concurrent_watchers_of_a_thousand_task_sweep_make_no_more_slurm_calls_than_one_watcher()
    {
        using var project = SlurmCluster.Project();
        var sweep = SlurmCluster.KeyOf(await project.Run("job", "run", "-j", "hpc", "--repeat", "1000", "--max-parallel", "2", "--", "sleep", "300"));
        try
        {
            var alone = await WatchersAsync(project, sweep, 1, "alone");
            var eight = await WatchersAsync(project, sweep, 8, "eight");

            var summary = $"one watcher:\n{string.Join('\n', alone)}\neight watchers:\n{string.Join('\n', eight)}";
            Assert.True(alone.Count(l => l.StartsWith("squeue ", StringComparison.Ordinal)) >= 3, summary);
            Assert.True(eight.Length <= alone.Length, summary);
            Assert.True(eight.Count(l => l.StartsWith("squeue ", StringComparison.Ordinal)) <= alone.Count(l => l.StartsWith("squeue ", StringComparison.Ordinal)), summary);
        }
        finally
        {
            await SlurmCluster.CancelQuietlyAsync([sweep]);
        }
    }

    /// <summary>
    /// Runs <paramref name="count"/> <c>job watch</c> processes of one sweep side by side, all interrupted at the same moment
    /// 30 s after the first started, and returns the Slurm calls they made.
    /// </summary>
    private static async Task<string[]> WatchersAsync(TempProject project, string key, int count, string name)
    {
        // Each phase starts without the other's shared answers and plans.
        var rounds = project.Combine(".flepimop2_cache", "job", "rounds");
        if (Directory.Exists(rounds))
        {
            Directory.Delete(rounds, recursive: true);
        }

        var calls = project.Combine($"{name}.log");
        var environment = CountingTools.Put(project.Combine($"{name} tools"), calls, Tools);
        var script =
            "deadline=$(awk -v now=\"$(date +%s.%N)\" 'BEGIN { printf \"%.3f\", now + 30 }')\n" +
            "for i in $(seq \"$1\"); do\n" +
            "  left=$(awk -v d=\"$deadline\" -v now=\"$(date +%s.%N)\" 'BEGIN { printf \"%.3f\", d - now }')\n" +
            "  timeout -s INT \"$left\" \"$2\" job watch \"$3\" --interval 2 > \"watch-$i.out\" 2>&1 &\n" +
            "done\n" +
            "wait\n";
        var start = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = project.Path };
        foreach (var arg in new[] { "-c", script, "watchers", count.ToString(System.Globalization.CultureInfo.InvariantCulture), CliRunner.Executable, key })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = environment["PATH"];
        var result = await CliRunner.CaptureAsync(start);
        Assert.True(result.ExitCode is 0 or 124 or 130, result.ToString());
        for (var i = 1; i <= count; i++)
        {
            // Each watcher saw the sweep: its last line names it (interrupted, not failed on its way).
            var output = File.ReadAllText(project.Combine($"watch-{i}.out"));
            Assert.Contains(key, output, StringComparison.Ordinal);
        }

        return File.ReadAllLines(calls);
    }
}
