using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// Packed shell sweeps (<c>tasks-per-job</c>) for real, under the bash supervisor the library starts: N tasks in
/// ⌈N / M⌉ slots, each slot running its tasks one after another, at most K slots at once, every task with its own index,
/// exit code, log and status. Every wait is bounded, and whatever a test started is killed when it ends.
/// </summary>
public sealed class ShellPackedSweepSpecs : IDisposable
{
    private const string CancelledBeforeStart = "cancelled before it started";

    /// <summary>The task: <c>task.sh COMMAND-NAME VERB ARGS...</c>.</summary>
    private const string TaskScript = """
        #!/bin/bash
        name=$1 verb=$2
        shift 2
        i=${FLEPIMOP2_TASK_INDEX-unset} n=${FLEPIMOP2_TASK_COUNT-unset}
        case $verb in
          mark)            # $1/INDEX.start and .end (ns) around a sleep of $2 s; print index and count; exit with code $3+INDEX of the rest
            printf '%s\n' "$(date +%s%N)" >"$1/$i.start"
            printf 'task %s of %s\n' "$i" "$n"
            sleep "$2"
            printf '%s\n' "$(date +%s%N)" >"$1/$i.end"
            codes=("${@:3}")
            exit "${codes[$i]:-0}" ;;
          hold)            # start a child sleep, write its pid to $1/child.INDEX, wait for it
            sleep 300 &
            printf '%s\n' "$!" >"$1/child.$i.tmp" && mv "$1/child.$i.tmp" "$1/child.$i"
            wait
            ;;
          await)           # wait (at most 60 s) until the file $1 exists, then exit 0
            for ((k = 0; k < 1200; k++)); do [[ -e $1 ]] && exit 0; sleep 0.05; done
            exit 99 ;;
          *) exit 64 ;;
        esac
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();
    private readonly List<int> _sessions = [];

    public ShellPackedSweepSpecs()
    {
        File.WriteAllText(Script, TaskScript.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Work);
    }

    private string Script => _temp.Combine("task.sh");

    private string Work => _temp.Combine("work");

    private string Logs => _temp.Combine("logs");

    public void Dispose()
    {
        foreach (var session in _sessions.Where(s => s > 1 && s != ProcStat.Read(Environment.ProcessId)!.Value.Session))
        {
            Posix.SignalGroup(session, Posix.SigKill);
        }

        foreach (var file in Directory.GetFiles(Work, "child.*"))
        {
            if (int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var child) && child > 1
                && File.Exists($"/proc/{Text(child)}/comm") && File.ReadAllText($"/proc/{Text(child)}/comm").Trim() == "sleep")
            {
                Posix.SignalProcess(child, Posix.SigKill);
            }
        }

        _temp.Dispose();
    }

    private ShellJobRunner Runner(bool detach, int? tasksPerJob = null) =>
        new(new ShellJobOptions { Detach = detach, Executable = Script, LogDirectory = Logs, TasksPerJob = tasksPerJob })
        {
            CancelGracePeriod = TimeSpan.FromSeconds(5),
        };

    private static DummyCommand Command(params string[] argv) => new(argv);

    private async Task<JobHandle> Submit(ShellJobRunner runner, JobRequest request)
    {
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(request).WaitAsync(Deadline));
        if (handle.MetadataText("mode") == "detached")
        {
            _sessions.Add(int.Parse(handle.MetadataText("pid")!, CultureInfo.InvariantCulture));
        }

        return handle;
    }

    private static async Task<JobStatusResult> Until(JobRunner runner, JobHandle handle, Func<JobStatusResult, bool> done, string what)
    {
        var result = await Eventually.Until(() => runner.StatusAsync(handle), done, Deadline);
        Assert.True(done(result), $"{what}: not so within {Deadline.TotalSeconds} s; last status {result}; {string.Join("; ", result.DetailLines())}");
        return result;
    }

    private static Task<JobStatusResult> Finished(JobRunner runner, JobHandle handle) =>
        Until(runner, handle, r => r.Status.IsFinished(), "the sweep should have finished");

    private static string Statuses(JobStatusResult result) => string.Join(' ', result.Sweep!.Tasks.Select(t => t.Status.ToWireName()));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string RunDirectory(JobHandle handle) => handle.MetadataText("run_dir")!;

    private int Child(int task)
    {
        var file = Path.Combine(Work, $"child.{Text(task)}");
        var text = Eventually.Until(() => File.Exists(file) ? File.ReadAllText(file).Trim() : string.Empty, t => t.Length > 0, Deadline);
        Assert.True(text.Length > 0, $"task {task} did not write its child's pid within {Deadline.TotalSeconds} s");
        return int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static void AssertGone(int pid, string what)
    {
        var alive = Eventually.Until(() => ProcStat.Alive(pid), a => !a, Deadline);
        Assert.False(alive, $"{what} (pid {pid}) is still alive after {Deadline.TotalSeconds} s");
    }

    /// <summary>Each task's start and end marks (ns), by index.</summary>
    private List<(long Start, long End)> Spans(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (Mark(i, "start"), Mark(i, "end")))];

    private long Mark(int task, string which) =>
        long.Parse(File.ReadAllText(Path.Combine(Work, $"{Text(task)}.{which}")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The most spans running at one instant (an end before a start at the same instant).</summary>
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

    /// <summary>Each slot's tasks ran in order, each starting only after the one before it in the slot ended.</summary>
    private static void AssertOneAfterAnother(List<(long Start, long End)> spans, int perSlot)
    {
        for (var i = 0; i < spans.Count; i++)
        {
            if (i % perSlot != 0)
            {
                Assert.True(spans[i - 1].End <= spans[i].Start, $"task {i} started before task {i - 1} of its slot ended");
            }
        }
    }

    private static JobRequest MarkSweep(string work, int tasks, int? maxParallel, int? tasksPerJob, params string[] codes) =>
        JobRequest.Sweep([.. Enumerable.Range(0, tasks).Select(_ => Command(["mark", work, "0.2", .. codes]))], maxParallel) with { TasksPerJob = tasksPerJob };

    // --- Running packed --------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public async Task Seven_tasks_three_to_a_slot_run_in_order_in_their_slots_each_with_its_own_index_exit_code_and_log(bool detach, int maxParallel)
    {
        var runner = Runner(detach);
        string[] codes = ["0", "3", "0", "0", "5", "0", "7"];

        var handle = await Submit(runner, MarkSweep(Work, 7, maxParallel, 3, codes));
        var status = await Finished(runner, handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal([0, 3, 0, 0, 5, 0, 7], status.Sweep!.Tasks.Select(t => t.ExitCode ?? -1));
        Assert.Equal([1, 4, 6], status.Sweep.FailedIndices);
        Assert.Equal($"{{\"tasks\":7,\"max_parallel\":{Text(maxParallel)},\"tasks_per_job\":3}}", handle.Metadata["sweep"]!.ToJsonString());
        for (var i = 0; i < 7; i++)
        {
            var log = Assert.Single(runner.GetTaskLogFiles(handle, i));
            Assert.Equal(Path.Combine(RunDirectory(handle), "tasks", $"{Text(i)}.log"), log);
            Assert.Equal($"task {Text(i)} of 7\n", await File.ReadAllTextAsync(log));
            Assert.Equal(codes[i], (await runner.TaskStatusAsync(handle, i)).Detail["returncode"]!.ToJsonString());
        }

        // A failed task does not stop its slot: the one after it ran; and never more slots at once than the limit.
        var spans = Spans(7);
        AssertOneAfterAnother(spans, 3);
        Assert.InRange(MostAtOnce(spans), 1, maxParallel);
        if (maxParallel == 1)
        {
            Assert.Equal(Enumerable.Range(0, 7), spans.Select((s, i) => (s, i)).OrderBy(x => x.s.Start).Select(x => x.i));
        }
    }

    [Fact]
    public async Task Two_slots_do_run_side_by_side()
    {
        var runner = Runner(detach: true);
        var go = Path.Combine(Work, "go");

        // Slot 0 (tasks 0-2) and slot 1 (tasks 3-5) both start; each task waits for the same file.
        var handle = await Submit(runner, JobRequest.Sweep([.. Enumerable.Range(0, 6).Select(_ => Command("await", go))], maxParallel: 2) with { TasksPerJob = 3 });
        var both = await Until(runner, handle, r => r.Sweep!.Tasks[0].Status == JobStatus.Running && r.Sweep.Tasks[3].Status == JobStatus.Running, "the first task of each slot should be running");
        await File.WriteAllTextAsync(go, string.Empty);
        var status = await Finished(runner, handle);

        Assert.Equal("running pending pending running pending pending", Statuses(both));
        Assert.Equal(JobStatus.Successful, status.Status);
    }

    [Fact]
    public async Task The_runners_tasks_per_job_packs_when_the_request_says_nothing_and_the_request_wins_over_it()
    {
        var packed = await Submit(Runner(detach: false, tasksPerJob: 4), MarkSweep(Work, 5, 2, null));
        var unpacked = await Submit(Runner(detach: false, tasksPerJob: 4), MarkSweep(Work, 5, 2, 1));

        Assert.Equal("{\"tasks\":5,\"max_parallel\":2,\"tasks_per_job\":4}", packed.Metadata["sweep"]!.ToJsonString());
        Assert.Equal("{\"tasks\":5,\"max_parallel\":2}", unpacked.Metadata["sweep"]!.ToJsonString());
    }

    [Fact]
    public async Task More_tasks_per_job_than_the_sweep_has_make_one_slot_of_them_all()
    {
        var runner = Runner(detach: true);

        var handle = await Submit(runner, MarkSweep(Work, 4, 4, 10));
        var status = await Finished(runner, handle);

        Assert.Equal(JobStatus.Successful, status.Status);
        Assert.Equal("{\"tasks\":4,\"max_parallel\":4,\"tasks_per_job\":4}", handle.Metadata["sweep"]!.ToJsonString());
        var spans = Spans(4);
        AssertOneAfterAnother(spans, 4);
        Assert.Equal(1, MostAtOnce(spans));
    }

    [Fact]
    public async Task One_task_per_job_runs_as_an_unpacked_sweep_does()
    {
        var runner = Runner(detach: false);

        var one = await Submit(runner, MarkSweep(Work, 4, 4, 1, "0", "2"));

        // Unpacked, the four run side by side (each sleeps 0.2 s): more than one at once.
        Assert.True(MostAtOnce(Spans(4)) > 1, "a sweep of one task per job with room for four ran its tasks one at a time");
        var none = await Submit(runner, MarkSweep(Work, 4, 4, null, "0", "2"));

        Assert.Equal("{\"tasks\":4,\"max_parallel\":4}", one.Metadata["sweep"]!.ToJsonString());
        Assert.Equal(none.Metadata["sweep"]!.ToJsonString(), one.Metadata["sweep"]!.ToJsonString());
        Assert.Equal(Listing(RunDirectory(none)), Listing(RunDirectory(one)));
        Assert.Equal(Statuses(await runner.StatusAsync(none)), Statuses(await runner.StatusAsync(one)));
    }

    [Fact]
    public void One_task_per_slot_starts_either_supervisor_with_the_argv_of_an_unpacked_sweep_and_more_name_the_pack_last()
    {
        string[] program = ["/bin/flepimop2"];

        Assert.Equal(
            ShellSupervisor.Argv("/bin/setsid", "/bin/bash", "/bin/mv", Logs, 7, 2, 7, "/bin/flepimop2"),
            ShellSupervisor.Argv("/bin/setsid", "/bin/bash", "/bin/mv", Logs, 7, 2, 7, "/bin/flepimop2", tasksPerSlot: 1));
        Assert.Equal(
            SweepSupervisor.Argv(null, program, Logs, "/bin/mv", "/bin/bash", 7, 2, 7),
            SweepSupervisor.Argv(null, program, Logs, "/bin/mv", "/bin/bash", 7, 2, 7, tasksPerSlot: 1));
        Assert.Equal("3", ShellSupervisor.Argv(null, "/bin/bash", "/bin/mv", Logs, 7, 2, 7, string.Empty, tasksPerSlot: 3)[^1]);
        Assert.Equal(
            [.. SweepSupervisor.Argv(null, program, Logs, "/bin/mv", "/bin/bash", 7, 2, 7), "3"],
            SweepSupervisor.Argv(null, program, Logs, "/bin/mv", "/bin/bash", 7, 2, 7, tasksPerSlot: 3));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("three")]
    public void The_supervisor_refuses_a_pack_that_is_not_a_whole_number_of_at_least_one_and_starts_nothing(string pack)
    {
        using var error = new StringWriter();

        var code = SweepSupervisor.Run([Logs, "/bin/mv", "/bin/bash", "7", "2", "7", pack], new MemoryStream(), TimeProvider.System, error);
        var extra = SweepSupervisor.Run([Logs, "/bin/mv", "/bin/bash", "7", "2", "7", "3", "4"], new MemoryStream(), TimeProvider.System, error);

        Assert.Equal(2, code);
        Assert.Equal(2, extra);
        Assert.StartsWith("error: usage: flepimop2 job supervise LOG_ROOT MV BASH COUNT MAX REPORTED [PER]", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Logs));
    }

    [Fact]
    public async Task A_dry_run_of_a_packed_sweep_says_how_many_tasks_each_slot_runs_and_how_many_slots()
    {
        var runner = Runner(detach: true);

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(MarkSweep(Work, 7, 2, 3) with { DryRun = true }));
        var plain = Assert.IsType<JobDryRun>(await runner.SubmitAsync(MarkSweep(Work, 7, 2, 1) with { DryRun = true }));

        Assert.StartsWith("7 tasks in 3 slots of at most 3 run one after another, the first: ", dry.Command, StringComparison.Ordinal);
        Assert.Equal("3", dry.Details["tasks_per_job"]);
        Assert.Equal("3", dry.Details["slots"]);
        Assert.Equal("2", dry.Details["max_parallel"]);
        Assert.StartsWith("7 tasks, the first: ", plain.Command, StringComparison.Ordinal);
        Assert.False(plain.Details.ContainsKey("tasks_per_job"));
        Assert.False(Directory.Exists(Logs));
    }

    // --- Cancel ----------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Cancelling_a_running_packed_task_stops_it_and_its_slot_goes_on_and_one_not_yet_started_is_passed_over()
    {
        var runner = Runner(detach: true);
        var go = Path.Combine(Work, "go");

        // Slot 0: hold, await, await; slot 1: await, await, await.
        var handle = await Submit(runner, JobRequest.Sweep([Command("hold", Work), .. Enumerable.Range(0, 5).Select(_ => Command("await", go))], maxParallel: 2) with { TasksPerJob = 3 });
        var child = Child(0);
        var before = await Until(runner, handle, r => r.Sweep!.Tasks[0].Detail.ContainsKey("pid") && r.Sweep.Tasks[3].Status == JobStatus.Running, "tasks 0 and 3 should be running");
        var taskPid = before.Sweep!.Tasks[0].Detail["pid"]!.GetValue<int>();

        await runner.CancelTaskAsync(handle, 2);
        await runner.CancelTaskAsync(handle, 0);
        AssertGone(child, "the cancelled task's child");
        AssertGone(taskPid, "the cancelled task");
        var next = await Until(runner, handle, r => r.Sweep!.Tasks[1].Status == JobStatus.Running, "task 1 should have started once task 0 was cancelled");
        await File.WriteAllTextAsync(go, string.Empty);
        var status = await Finished(runner, handle);

        Assert.Equal("failed running pending running pending pending", Statuses(next));
        Assert.Equal("failed successful failed successful successful successful", Statuses(status));
        Assert.Equal([0, 2], status.Sweep!.FailedIndices);
        Assert.True(status.Sweep.Tasks[0].Detail.ContainsKey("cancelled"));
        Assert.Equal(143, status.Sweep.Tasks[0].ExitCode);
        Assert.Equal(CancelledBeforeStart, status.Sweep.Tasks[2].Detail["reason"]!.GetValue<string>());
        Assert.Null(status.Sweep.Tasks[2].ExitCode);
        Assert.False(File.Exists(Path.Combine(RunDirectory(handle), "tasks", "2.log")), "a task passed over has no log");
    }

    [Fact]
    public async Task Cancelling_a_packed_sweep_stops_every_slot_and_its_tasks_never_started_read_as_cancelled()
    {
        var runner = Runner(detach: true);

        var handle = await Submit(runner, JobRequest.Sweep([.. Enumerable.Range(0, 6).Select(_ => Command("hold", Work))], maxParallel: 2) with { TasksPerJob = 3 });
        var children = new[] { Child(0), Child(3) };
        await Until(runner, handle, r => r.Sweep!.Tasks[0].Detail.ContainsKey("pid") && r.Sweep.Tasks[3].Detail.ContainsKey("pid"), "tasks 0 and 3 should be running");

        await runner.CancelAsync(handle).WaitAsync(Deadline);
        var status = await Finished(runner, handle);

        foreach (var child in children)
        {
            AssertGone(child, "a task's child");
        }

        AssertGone(int.Parse(handle.MetadataText("pid")!, CultureInfo.InvariantCulture), "the supervisor");
        Assert.Equal("failed failed failed failed failed failed", Statuses(status));
        Assert.Equal([143, 143], new[] { status.Sweep!.Tasks[0].ExitCode, status.Sweep.Tasks[3].ExitCode });
        foreach (var i in new[] { 1, 2, 4, 5 })
        {
            Assert.Equal(CancelledBeforeStart, status.Sweep.Tasks[i].Detail["reason"]!.GetValue<string>());
        }

        Assert.Equal(["0", "3"], File.ReadAllLines(Path.Combine(RunDirectory(handle), "started")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_blocking_packed_sweep_cancelled_by_its_token_stops_every_slot_and_still_returns_its_handle()
    {
        var runner = Runner(detach: false);
        using var cancel = new CancellationTokenSource();

        var submitting = runner.SubmitAsync(JobRequest.Sweep([.. Enumerable.Range(0, 6).Select(_ => Command("hold", Work))], maxParallel: 2) with { TasksPerJob = 3 }, cancel.Token);
        var children = new[] { Child(0), Child(3) };
        await cancel.CancelAsync();
        var handle = Assert.IsType<JobHandle>(await submitting.WaitAsync(Deadline));
        var status = await runner.StatusAsync(handle);

        foreach (var child in children)
        {
            AssertGone(child, "a cancelled task's child");
        }

        Assert.Equal("true", handle.Metadata["cancelled"]!.ToJsonString());
        Assert.Equal("failed failed failed failed failed failed", Statuses(status));
        Assert.True(status.Sweep!.Tasks[0].Detail.ContainsKey("cancelled") && status.Sweep.Tasks[3].Detail.ContainsKey("cancelled"));
        foreach (var i in new[] { 1, 2, 4, 5 })
        {
            Assert.Equal(CancelledBeforeStart, status.Sweep.Tasks[i].Detail["reason"]!.GetValue<string>());
            Assert.False(File.Exists(Path.Combine(RunDirectory(handle), "tasks", $"{Text(i)}.log")), $"task {i} never started, yet has a log");
        }
    }

    // --- Retry and the record --------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Retrying_the_failed_tasks_of_a_packed_sweep_packs_only_them_again_with_their_indices()
    {
        var runner = Runner(detach: true);
        var sweep = await Submit(runner, MarkSweep(Work, 7, 2, 3, "0", "3", "0", "4", "5", "0", "0"));
        await Finished(runner, sweep);
        foreach (var file in Directory.GetFiles(Work))
        {
            File.Delete(file);
        }

        var request = await runner.RetryRequestAsync(sweep, failedTasksOnly: true);
        var retry = await Submit(runner, request);
        var status = await Finished(runner, retry);

        Assert.Equal([1, 3, 4], request.TaskIndices);
        Assert.Equal(3, request.TasksPerJob);
        Assert.Equal("{\"tasks\":3,\"max_parallel\":2,\"indices\":[1,3,4],\"task_count\":7,\"tasks_per_job\":3}", retry.Metadata["sweep"]!.ToJsonString());
        Assert.Equal([1, 3, 4], status.Sweep!.Tasks.Select(t => t.Index));
        Assert.Equal([3, 4, 5], status.Sweep.Tasks.Select(t => t.ExitCode ?? -1));

        // Only the failed ones ran, each told its first index, one after another in the one slot they fill.
        Assert.Equal(["1.end", "1.start", "3.end", "3.start", "4.end", "4.start"], Directory.GetFiles(Work).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(Mark(1, "end") <= Mark(3, "start") && Mark(3, "end") <= Mark(4, "start"), "the retried tasks did not run one after another");
        Assert.Equal("task 3 of 7\n", await File.ReadAllTextAsync(Assert.Single(runner.GetTaskLogFiles(retry, 3))));
    }

    [Theory]
    [InlineData("\"three\"")]
    [InlineData("-3")]
    [InlineData("0")]
    [InlineData("99999999999")]
    [InlineData("3.5")]
    [InlineData("null")]
    public async Task A_damaged_tasks_per_job_in_a_handle_reads_safely_as_unpacked(string damaged)
    {
        var runner = Runner(detach: false);
        var handle = await Submit(runner, MarkSweep(Work, 4, 2, 2, "0", "6"));
        var expected = await runner.StatusAsync(handle);
        var sweep = handle.Metadata["sweep"]!.DeepClone().AsObject();
        sweep["tasks_per_job"] = JsonNode.Parse(damaged);
        var metadata = handle.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());
        metadata["sweep"] = sweep;
        var broken = handle with { Metadata = metadata };

        var status = await runner.StatusAsync(broken);
        var retry = await runner.RetryRequestAsync(broken, failedTasksOnly: true);

        Assert.Equal(Statuses(expected), Statuses(status));
        Assert.Equal([0, 6, 0, 0], status.Sweep!.Tasks.Select(t => t.ExitCode ?? -1));
        Assert.Equal([1], retry.TaskIndices);
        Assert.Null(retry.TasksPerJob);
    }

    private static List<string> Listing(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(directory, p)).Order(StringComparer.Ordinal)];
}
