using System.Text.Json;
using System.Text.RegularExpressions;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>Sweeps through the command line, on the shell runner with real processes.</summary>
public sealed class SweepCliSpecs
{
    // Task i prints its index and count; tasks 1 and 4 (of the 6 below) fail with 20 + i.
    private const string Config = """
        jobs:
          local:
            module: shell
            detach: false
          bg:
            module: shell
            detach: true
          pool:
            module: shell
            detach: true
            max-parallel: 2
        process:
          a:
            module: shell
            command: sh
            args: ["-c", "echo \"a $FLEPIMOP2_TASK_INDEX of $FLEPIMOP2_TASK_COUNT\"; case $FLEPIMOP2_TASK_INDEX in 1|4) exit $((20 + FLEPIMOP2_TASK_INDEX));; esac"]
          b:
            module: shell
            command: sh
            args: ["-c", "echo \"b $FLEPIMOP2_TASK_INDEX of $FLEPIMOP2_TASK_COUNT\"; case $FLEPIMOP2_TASK_INDEX in 1|4) exit $((20 + FLEPIMOP2_TASK_INDEX));; esac"]
          slow:
            module: shell
            command: sh
            args: ["-c", "echo started; sleep 60"]
        """;

    [Fact]
    public async Task A_sweep_is_one_submission_one_record_and_one_line_with_its_task_counts()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "process", "-j", "bg", "-t", "a", "-t", "b", "--repeat", "3");
        var key = KeyOf(submit);
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        var list = await project.Run("job", "list");

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Single(submit.StdoutLines);
        Assert.Equal(1, wait.ExitCode);
        Assert.Single(Directory.GetFiles(project.Combine(".flepimop2_cache", "job", "handles")));
        using var summary = JsonDocument.Parse(File.ReadAllText(project.Combine(".flepimop2_cache", "job", "summary.json")));
        Assert.Equal(1, summary.RootElement.GetArrayLength());
        var line = Assert.Single(list.StdoutLines);
        Assert.StartsWith(key + " submitted_at=", line, StringComparison.Ordinal);
        Assert.EndsWith(" status=failed tasks=6 successful=4 failed=2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_shows_the_counts_and_failed_tasks_and_json_lists_every_task_in_target_major_order()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "a", "-t", "b", "--repeat", "3"));

        var status = await project.Run("job", "status", key);
        var json = await project.Run("job", "status", key, "--json");
        var one = await project.Run("job", "status", key, "--task", "4");

        Assert.Equal(key + " submitted_at=" + status.StdoutLines[0].Split("submitted_at=")[1], status.StdoutLines[0]);
        Assert.EndsWith("status=failed", status.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("  tasks: 6 (4 successful, 2 failed)", status.StdoutLines);
        Assert.Contains("  failed tasks: 1, 4", status.StdoutLines);
        using var document = JsonDocument.Parse(json.Stdout);
        var tasks = document.RootElement.GetProperty("tasks");
        Assert.Equal(6, tasks.GetProperty("total").GetInt32());
        Assert.Equal([1, 4], tasks.GetProperty("failed_indices").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0, 21, 0, 0, 24, 0], tasks.GetProperty("list").EnumerateArray().Select(t => t.GetProperty("exit_code").GetInt32()));
        Assert.Equal(["a 0 of 6", "a 1 of 6", "a 2 of 6", "b 3 of 6", "b 4 of 6", "b 5 of 6"], await LogsAsync(project, key, 6));
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.EndsWith("status=failed", one.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal(["  task: 4", "  returncode: 24"], one.StdoutLines[1..3]);
        // The figures after the exit code, in any order: each once and nothing else.
        var figures = one.StdoutLines[3..];
        Assert.Equal(5, figures.Length);
        Assert.Single(figures, l => Regex.IsMatch(l, @"^  elapsed_seconds: [0-9]+(\.[0-9]+)?$"));
        Assert.Single(figures, l => Regex.IsMatch(l, @"^  peak_rss_bytes: [1-9][0-9]*$"));
        Assert.Single(figures, l => Regex.IsMatch(l, @"^  cpu_seconds: [0-9]+(\.[0-9]+)?$"));
        Assert.Single(figures, l => Regex.IsMatch(l, @"^  started_at: 20[0-9-]+T[0-9:.]+Z$"));
        Assert.Single(figures, l => Regex.IsMatch(l, @"^  ended_at: 20[0-9-]+T[0-9:.]+Z$"));
    }

    [Fact]
    public async Task At_most_max_parallel_tasks_run_at_once_from_the_runner_entry()
    {
        using var project = new TempProject(Config.Replace("echo started; sleep 60", "date +%s%N >\\\"marks/$FLEPIMOP2_TASK_INDEX.start\\\"; sleep 0.3; date +%s%N >\\\"marks/$FLEPIMOP2_TASK_INDEX.end\\\"", StringComparison.Ordinal));
        Directory.CreateDirectory(project.Combine("marks"));

        var key = KeyOf(await project.Run("job", "process", "-j", "pool", "-t", "slow", "--repeat", "8"));
        var wait = await project.Run("job", "wait", key, "--timeout", "60");

        Assert.True(wait.ExitCode == 0, wait.ToString());
        var spans = Enumerable.Range(0, 8)
            .Select(i => (Start: long.Parse(File.ReadAllText(project.Combine("marks", $"{i}.start")), System.Globalization.CultureInfo.InvariantCulture),
                          End: long.Parse(File.ReadAllText(project.Combine("marks", $"{i}.end")), System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.InRange(spans.Max(s => spans.Count(o => o.Start <= s.Start && s.Start < o.End)), 1, 2);
    }

    [Fact]
    public async Task Cancelling_one_task_leaves_the_others_and_cancelling_the_sweep_stops_them_all()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "bg", "-t", "slow", "--repeat", "3", "--max-parallel", "2"));
        await EventuallyAsync(async () => (await project.Run("job", "status", key)).StdoutLines.Contains("  tasks: 3 (2 running, 1 pending)"));

        var one = await project.Run("job", "cancel", key, "--task", "0");
        var afterOne = await project.Run("job", "status", key);
        var all = await project.Run("job", "cancel", key);
        var json = await project.Run("job", "status", key, "--json");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal(key + " task 0 cancelled (status=failed)", one.StdoutLines[0]);
        Assert.Contains("  failed tasks: 0", afterOne.StdoutLines);
        Assert.True(all.ExitCode == 0, all.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("failed", document.RootElement.GetProperty("status").GetString());
        Assert.All(document.RootElement.GetProperty("tasks").GetProperty("list").EnumerateArray(), t => Assert.Equal("failed", t.GetProperty("status").GetString()));
        var supervisor = document.RootElement.GetProperty("metadata").GetProperty("pid").GetInt32();
        Assert.False(ProcStat.Alive(supervisor), "the supervisor is still running");
    }

    [Fact]
    public async Task A_sweep_needs_task_for_its_logs_and_task_needs_a_sweep_and_an_index_it_has()
    {
        using var project = new TempProject(Config);
        var sweep = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "a", "--repeat", "2"));
        var single = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "a"));

        var logs = await project.Run("job", "logs", sweep);
        var outOfRange = await project.Run("job", "status", sweep, "--task", "2");
        var notSweep = await project.Run("job", "logs", single, "--task", "0");
        var cancelMany = await project.Run("job", "cancel", sweep, single, "--task", "0");

        Assert.Equal(2, logs.ExitCode);
        Assert.Equal($"error: job {sweep} is a sweep of 2 tasks, each with its own output; give --task I (0 to 1), and see 'flepimop2 job status {sweep}' for the failed ones\n", logs.Stderr);
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Equal($"error: --task 2: sweep {sweep} has tasks 0 to 1\n", outOfRange.Stderr);
        Assert.Equal(2, notSweep.ExitCode);
        Assert.Equal($"error: --task 0: job {single} is a single job, not a sweep of tasks\n", notSweep.Stderr);
        Assert.Equal(2, cancelMany.ExitCode);
        Assert.Equal("error: --task 0 names a task of one sweep; give one JOB, not 2\n", cancelMany.Stderr);
    }

    [Theory]
    [InlineData(new[] { "-t", "a", "--repeat", "0" }, "error: --repeat must be a whole number from 1 to 100000; got '0'")]
    [InlineData(new[] { "-t", "a", "--repeat", "-3" }, "error: --repeat must be a whole number from 1 to 100000; got '-3'")]
    [InlineData(new[] { "-t", "a", "--repeat", "many" }, "error: --repeat must be a whole number from 1 to 100000; got 'many'")]
    [InlineData(new[] { "-t", "a", "--repeat", "2", "--max-parallel", "0" }, "error: --max-parallel must be a whole number from 1 to 100000; got '0'")]
    [InlineData(new[] { "-t", "a", "-t", "b", "-t", "a" }, "error: --target 'a' is given 2 times; to run a target several times use --repeat")]
    [InlineData(new[] { "-t", "a", "-t", "b", "--repeat", "50001" }, "error: 2 targets x --repeat 50001 make 100002 tasks; a sweep has at most 100000")]
    [InlineData(new[] { "-t", "a", "--max-parallel", "4" }, "error: --max-parallel 4 limits the tasks of a sweep; give several --target or --repeat")]
    public async Task Bad_sweep_options_are_usage_errors_that_submit_and_record_nothing(string[] options, string message)
    {
        using var project = new TempProject(Config);

        var result = await project.Run(["job", "process", "-j", "bg", .. options]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(message, result.Stderr.Split('\n')[0]);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }

    [Fact]
    public async Task Every_unknown_target_of_a_sweep_is_named_at_once()
    {
        using var project = new TempProject(Config);

        var result = await project.Run("job", "process", "-j", "bg", "-t", "a", "-t", "x", "-t", "y");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            "error: config.yaml: process: no target 'x'; targets: a, b, slow\nerror: config.yaml: process: no target 'y'; targets: a, b, slow\n",
            result.Stderr);
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }

    [Fact]
    public async Task The_sweep_example_runs_and_names_its_failed_scenarios_and_their_output()
    {
        using var project = new TempProject();
        File.Copy(Path.Combine(CliRunner.Examples, "sweep", "config.yaml"), project.Combine("config.yaml"));

        var key = KeyOf(await project.Run("job", "process", "-t", "simulate", "--repeat", "11"));
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        var status = await project.Run("job", "status", key);
        var logs = await project.Run("job", "logs", key, "--task", "10");

        Assert.Equal(1, wait.ExitCode);
        Assert.Contains("  tasks: 11 (9 successful, 2 failed)", status.StdoutLines);
        Assert.Contains("  failed tasks: 3, 10", status.StdoutLines);
        Assert.Equal("scenario 10 of 11: simulating\nscenario 10: the epidemic curve diverged\n", logs.Stdout);
    }

    private static string KeyOf(CliResult submission) => submission.StdoutLines[^1].Split(' ')[0];

    private static async Task<List<string>> LogsAsync(TempProject project, string key, int tasks)
    {
        var lines = new List<string>();
        for (var i = 0; i < tasks; i++)
        {
            var logs = await project.Run("job", "logs", key, "--task", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(logs.ExitCode == 0, logs.ToString());
            lines.Add(logs.Stdout.TrimEnd('\n'));
        }

        return lines;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
