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
}
