using System.Globalization;
using System.Text.Json;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Packed sweeps through the command line on the shell runner, under the supervisor inside flepimop2 (<c>job supervise</c>):
/// <c>--tasks-per-job M</c> or the runner's <c>tasks-per-job:</c> runs M tasks one after another in each slot.
/// </summary>
public sealed class PackedSweepCliSpecs
{
    private const string Config = """
        jobs:
          fg:
            module: shell
            detach: false
          bg:
            module: shell
            detach: true
          packed:
            module: shell
            detach: true
            tasks-per-job: 3
            max-parallel: 2
        """;

    /// <summary>Marks its start and end (ns) in <c>marks/</c>, prints its index and count; tasks 1 and 4 fail with 20 + their index.</summary>
    private const string TaskScript =
        "date +%s%N >marks/$FLEPIMOP2_TASK_INDEX.start; echo \"task $FLEPIMOP2_TASK_INDEX of $FLEPIMOP2_TASK_COUNT\"; sleep 0.2; " +
        "date +%s%N >marks/$FLEPIMOP2_TASK_INDEX.end; case $FLEPIMOP2_TASK_INDEX in 1|4) exit $((20 + FLEPIMOP2_TASK_INDEX));; esac";

    [Fact]
    public async Task Job_run_with_tasks_per_job_runs_each_slots_tasks_one_after_another_each_with_its_own_index_code_log_and_figures()
    {
        using var project = Project();

        var submit = await project.Run("job", "run", "-j", "fg", "--repeat", "7", "--tasks-per-job", "3", "--max-parallel", "2", "--", "sh", "-c", TaskScript);
        var key = KeyOf(submit);
        var status = await project.Run("job", "status", key, "--json");
        var one = await project.Run("job", "status", key, "--task", "4");

        using var document = JsonDocument.Parse(status.Stdout);
        Assert.Equal("failed", document.RootElement.GetProperty("status").GetString());
        Assert.Equal([0, 21, 0, 0, 24, 0, 0], document.RootElement.GetProperty("tasks").GetProperty("list").EnumerateArray().Select(t => t.GetProperty("exit_code").GetInt32()));
        Assert.Equal("{\"tasks\":7,\"max_parallel\":2,\"tasks_per_job\":3}", Compact(document.RootElement.GetProperty("metadata").GetProperty("sweep")));
        Assert.Equal([.. Enumerable.Range(0, 7).Select(i => $"task {i} of 7")], await LogsAsync(project, key, 7));
        Assert.Contains("  returncode: 24", one.StdoutLines);
        Assert.Single(one.StdoutLines, l => l.StartsWith("  peak_rss_bytes: ", StringComparison.Ordinal));

        var spans = Spans(project, 7);
        AssertOneAfterAnother(spans, 3);
        Assert.InRange(MostAtOnce(spans), 1, 2);
    }

    [Fact]
    public async Task The_runners_tasks_per_job_packs_a_detached_sweep_and_max_parallel_counts_its_slots()
    {
        using var project = Project();

        var key = KeyOf(await project.Run("job", "run", "-j", "packed", "--repeat", "7", "--", "sh", "-c", TaskScript));
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        var status = await project.Run("job", "status", key, "--json");

        Assert.Equal(1, wait.ExitCode);
        using var document = JsonDocument.Parse(status.Stdout);
        Assert.Equal("{\"tasks\":7,\"max_parallel\":2,\"tasks_per_job\":3}", Compact(document.RootElement.GetProperty("metadata").GetProperty("sweep")));
        Assert.Equal([1, 4], document.RootElement.GetProperty("tasks").GetProperty("failed_indices").EnumerateArray().Select(e => e.GetInt32()));

        var spans = Spans(project, 7);
        AssertOneAfterAnother(spans, 3);
        Assert.InRange(MostAtOnce(spans), 1, 2);
    }

    [Fact]
    public async Task Cancel_task_stops_a_running_packed_task_passes_over_one_waiting_its_turn_and_cancel_stops_every_slot()
    {
        using var project = Project();
        var key = KeyOf(await project.Run("job", "run", "-j", "bg", "--repeat", "6", "--tasks-per-job", "3", "--max-parallel", "2", "--", "sh", "-c", "echo $FLEPIMOP2_TASK_INDEX; exec sleep 60"));
        var run = string.Empty;
        try
        {
            await EventuallyAsync(async () => (await project.Run("job", "status", key)).StdoutLines.Contains("  tasks: 6 (2 running, 4 pending)"));

            var waiting = await project.Run("job", "cancel", key, "--task", "2");
            var running = await project.Run("job", "cancel", key, "--task", "0");
            await EventuallyAsync(async () => (await project.Run("job", "status", key, "--task", "1")).StdoutLines[0].EndsWith("status=running", StringComparison.Ordinal));
            var meanwhile = await project.Run("job", "status", key);
            var all = await project.Run("job", "cancel", key);
            var json = await project.Run("job", "status", key, "--json");
            var passedOver = await project.Run("job", "status", key, "--task", "2");
            var never = await project.Run("job", "status", key, "--task", "5");

            Assert.Equal(key + " task 2 cancel requested (status=pending)", waiting.StdoutLines[0]);
            Assert.Equal(key + " task 0 cancelled (status=failed)", running.StdoutLines[0]);
            Assert.Contains("  tasks: 6 (1 failed, 2 running, 3 pending)", meanwhile.StdoutLines);
            Assert.True(all.ExitCode == 0, all.ToString());
            using var document = JsonDocument.Parse(json.Stdout);
            run = document.RootElement.GetProperty("metadata").GetProperty("run_dir").GetString()!;
            Assert.Equal("failed", document.RootElement.GetProperty("status").GetString());
            Assert.All(document.RootElement.GetProperty("tasks").GetProperty("list").EnumerateArray(), t => Assert.Equal("failed", t.GetProperty("status").GetString()));
            Assert.False(ProcStat.Alive(document.RootElement.GetProperty("metadata").GetProperty("pid").GetInt32()), "the supervisor is still running");
            Assert.Contains("  reason: cancelled before it started", passedOver.StdoutLines);
            Assert.Contains("  reason: cancelled before it started", never.StdoutLines);
            Assert.Equal(["0", "1", "3"], File.ReadAllLines(Path.Combine(run, "started")).Order(StringComparer.Ordinal));
        }
        finally
        {
            await project.Run("job", "cancel", key);
        }
    }

    [Fact]
    public async Task Retry_failed_tasks_of_a_packed_sweep_runs_only_them_packed_again()
    {
        using var project = Project();
        var key = KeyOf(await project.Run("job", "run", "-j", "fg", "--repeat", "7", "--tasks-per-job", "3", "--", "sh", "-c", TaskScript));
        foreach (var mark in Directory.GetFiles(project.Combine("marks")))
        {
            File.Delete(mark);
        }

        var retry = KeyOf(await project.Run("job", "retry", key, "--failed-tasks"));
        var status = await project.Run("job", "status", retry, "--json");

        using var document = JsonDocument.Parse(status.Stdout);
        Assert.Equal(
            "{\"tasks\":2,\"max_parallel\":" + Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) + ",\"indices\":[1,4],\"task_count\":7,\"tasks_per_job\":2}",
            Compact(document.RootElement.GetProperty("metadata").GetProperty("sweep")));
        Assert.Equal(["1.end", "1.start", "4.end", "4.start"], Directory.GetFiles(project.Combine("marks")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(Mark(project, 1, "end") <= Mark(project, 4, "start"), "the two retried tasks of one slot overlapped");
        var logs = await project.Run("job", "logs", retry, "--task", "4");
        Assert.Equal("task 4 of 7\n", logs.Stdout);
    }

    [Theory]
    [InlineData("7", "3", "3", "3")]
    [InlineData("2", "5", "2", "1")]
    public async Task A_dry_run_says_the_packing(string repeat, string tasksPerJob, string packed, string slots)
    {
        using var project = Project();

        var dry = await project.Run("job", "run", "-j", "fg", "--repeat", repeat, "--tasks-per-job", tasksPerJob, "--dry-run", "--", "true");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"  tasks_per_job: {packed}", dry.StdoutLines);
        Assert.Contains($"  slots: {slots}", dry.StdoutLines);
        Assert.False(Directory.Exists(project.StoreDirectory), "a dry run recorded something");
    }

    private static TempProject Project()
    {
        var project = new TempProject(Config);
        Directory.CreateDirectory(project.Combine("marks"));
        return project;
    }

    private static string KeyOf(CliResult submission) =>
        submission.ExitCode == 0 ? submission.StdoutLines[^1].Split(' ')[0] : throw new InvalidOperationException(submission.ToString());

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);

    private static long Mark(TempProject project, int task, string which) =>
        long.Parse(File.ReadAllText(project.Combine("marks", $"{task.ToString(CultureInfo.InvariantCulture)}.{which}")).Trim(), CultureInfo.InvariantCulture);

    private static List<(long Start, long End)> Spans(TempProject project, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (Mark(project, i, "start"), Mark(project, i, "end")))];

    /// <summary>Each slot's tasks in order: a task that is not its slot's first starts only after the one before it ended.</summary>
    private static void AssertOneAfterAnother(List<(long Start, long End)> spans, int perSlot)
    {
        for (var i = 1; i < spans.Count; i++)
        {
            if (i % perSlot != 0)
            {
                Assert.True(spans[i - 1].End <= spans[i].Start, $"task {i} started before task {i - 1} of its slot ended");
            }
        }
    }

    private static int MostAtOnce(IEnumerable<(long Start, long End)> spans)
    {
        var running = 0;
        var most = 0;
        foreach (var (_, change) in spans.SelectMany(s => new[] { (At: s.Start, Change: 1), (At: s.End, Change: -1) }).OrderBy(e => e.At).ThenBy(e => e.Change))
        {
            running += change;
            most = Math.Max(most, running);
        }

        return most;
    }

    private static async Task<List<string>> LogsAsync(TempProject project, string key, int tasks)
    {
        var lines = new List<string>();
        for (var i = 0; i < tasks; i++)
        {
            var logs = await project.Run("job", "logs", key, "--task", i.ToString(CultureInfo.InvariantCulture));
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
