using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Nothing runs that is not recorded: a submitter killed with SIGKILL at 50 random moments, on each backend, leaves no job
/// that ran without a record. Each job leaves a mark when it runs; in the end the marks are exactly the recorded jobs that
/// succeeded, and whatever the scheduler still holds of the submissions is held, waiting for a release its submitter did
/// not live to give (the test then removes it).
/// </summary>
public sealed partial class KilledSubmitterSpecs
{
    private const int Rounds = 50;

    // 51 submissions and kills: long for the quick unit run, which leaves it to the full one.
    [Fact]
    [Trait(Needs.Trait, Needs.Minutes)]
    public async Task A_detached_shell_submitter_killed_at_random_moments_runs_nothing_unrecorded()
    {
        using var project = Project("bg:\n    module: shell\n    detach: true\n");

        await KillAtRandomAsync(project, "bg", new Random(2026120501));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var list = await WaitForAsync(project, statuses => !statuses.Contains("running"));

        AssertRanExactlyTheRecorded(project, list);
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Slurm)]
    public async Task A_slurm_submitter_killed_at_random_moments_runs_nothing_unrecorded()
    {
        using var project = Project("hpc:\n    module: slurm\n    memory: 100M\n    time: \"5\"\n    chdir: PROJECT\n");
        var name = await JobNameAsync(project, "hpc");
        try
        {
            await KillAtRandomAsync(project, "hpc", new Random(2026120502));

            // Until every job of the test still in the queue is one that waits for its release.
            await Eventually(() => Tool("squeue", "-h", $"--name={name}", "-o", "%T %r").Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .All(l => l == "PENDING JobHeldUser"));
            Tool("scancel", $"--name={name}");
            var list = await WaitForAsync(project, statuses => statuses.All(s => s is "successful" or "failed"));

            AssertRanExactlyTheRecorded(project, list);
        }
        finally
        {
            Tool("scancel", $"--name={name}");
        }
    }

    [Fact]
    [Trait(Needs.Trait, Needs.GridEngine)]
    public async Task A_grid_engine_submitter_killed_at_random_moments_runs_nothing_unrecorded()
    {
        using var project = Project("ge:\n    module: gridengine\n    chdir: PROJECT\n");
        var name = await JobNameAsync(project, "ge");
        try
        {
            await KillAtRandomAsync(project, "ge", new Random(2026120503));

            await Eventually(() => GridEngineStates(name).All(state => state.Contains('h', StringComparison.Ordinal)));
            Tool("qdel", name);
            await Eventually(() => GridEngineStates(name).Count == 0);
            var list = await WaitForAsync(project, statuses => !statuses.Contains("running"));

            AssertRanExactlyTheRecorded(project, list);
        }
        finally
        {
            Tool("qdel", name);
        }
    }

    private static TempProject Project(string entry)
    {
        var project = new TempProject();
        File.WriteAllText(project.Combine("config.yaml"), "jobs:\n  " + entry.Replace("PROJECT", project.Path, StringComparison.Ordinal));
        Directory.CreateDirectory(project.Combine("marks"));
        File.WriteAllText(project.Combine("mark-job"), "#!/bin/sh\n: > \"$1\"\n");
        File.SetUnixFileMode(project.Combine("mark-job"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return project;
    }

    private static string[] Submit(TempProject project, string entry, int round) =>
        ["job", "run", "-j", entry, "--", project.Combine("mark-job"), project.Combine("marks", $"{round}")];

    /// <summary>The scheduler's name for the test's jobs, as a dry run gives it.</summary>
    private static async Task<string> JobNameAsync(TempProject project, string entry)
    {
        var dry = await project.Run([.. Submit(project, entry, 0).Take(4), "--dry-run", .. Submit(project, entry, 0).Skip(4)]);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        return Assert.Single(dry.StdoutLines, l => l.StartsWith("  job_name: ", StringComparison.Ordinal))["  job_name: ".Length..];
    }

    /// <summary>One whole submission, then rounds each killed at a random moment within one and a half times its length.</summary>
    private static async Task KillAtRandomAsync(TempProject project, string entry, Random random)
    {
        var timer = Stopwatch.StartNew();
        var whole = await project.Run(Submit(project, entry, Rounds));
        Assert.True(whole.ExitCode == 0, whole.ToString());
        var span = (int)Math.Max(50, timer.ElapsedMilliseconds * 1.5);
        for (var round = 0; round < Rounds; round++)
        {
            var start = new ProcessStartInfo(CliRunner.Executable, Submit(project, entry, round))
            {
                WorkingDirectory = project.Path,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var drained = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            await Task.Delay(random.Next(0, span));
            process.Kill();
            await process.WaitForExitAsync();
            await drained;
        }
    }

    /// <summary>Polls <c>job list --json</c> until <paramref name="done"/> holds of its statuses (three minutes at most).</summary>
    private static async Task<List<(string Key, string Status)>> WaitForAsync(TempProject project, Func<List<string>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var list = await project.Run("job", "list", "--json");
            Assert.True(list.ExitCode == 0, list.ToString());
            var jobs = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray()
                .Select(j => (j.GetProperty("key").GetString()!, j.GetProperty("status").GetString()!))
                .ToList();
            if (done([.. jobs.Select(j => j.Item2)]))
            {
                return jobs;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"the recorded jobs did not end: {string.Join(", ", jobs)}");
            await Task.Delay(500);
        }
    }

    /// <summary>The marks left are as many as the recorded jobs that succeeded (the whole first submission among them).</summary>
    private static void AssertRanExactlyTheRecorded(TempProject project, List<(string Key, string Status)> recorded)
    {
        var marks = Directory.GetFiles(project.Combine("marks")).Length;
        Assert.True(recorded.Count(j => j.Status == "successful") == marks, $"{marks} jobs ran; recorded: {string.Join(", ", recorded)}");
        Assert.InRange(marks, 1, Rounds + 1);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the scheduler's queue did not settle within three minutes");
            await Task.Delay(500);
        }
    }

    /// <summary>The states (<c>qw</c>, <c>hqw</c>, <c>r</c>...) of the cell's jobs named <paramref name="name"/>.</summary>
    private static List<string> GridEngineStates(string name) =>
        [.. JobBlock().Matches(Tool("qstat", "-u", "*", "-xml"))
            .Where(m => m.Groups["name"].Value == name)
            .Select(m => m.Groups["state"].Value)];

    [GeneratedRegex(@"<JB_name>(?<name>[^<]*)</JB_name>.*?<state>(?<state>[^<]*)</state>", RegexOptions.Singleline)]
    private static partial Regex JobBlock();

    /// <summary>Runs a scheduler tool (a minute at most) and returns what it printed.</summary>
    private static string Tool(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
        }

        return output.GetAwaiter().GetResult();
    }
}
