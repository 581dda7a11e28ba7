using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// Shell sweeps for real: the runner starts its bash supervisor, which runs each task as <c>task.sh process VERB ...</c> (a
/// script of this test's, below) with <c>FLEPIMOP2_TASK_INDEX</c> and <c>FLEPIMOP2_TASK_COUNT</c> set. Every wait is bounded,
/// and whatever a test started is killed when it ends.
/// </summary>
public sealed class ShellSweepRunnerSpecs : IDisposable
{
    private const string KilledRecorder = "the task ended without recording its exit code (its recorder was killed)";
    private const string CancelledBeforeStart = "cancelled before it started";
    private const string NeverStarted = "the sweep's supervisor ended before starting it";

    /// <summary>The task: <c>task.sh COMMAND-NAME VERB ARGS...</c>.</summary>
    private const string TaskScript = """
        #!/bin/bash
        name=$1 verb=$2
        shift 2
        i=${FLEPIMOP2_TASK_INDEX-unset} n=${FLEPIMOP2_TASK_COUNT-unset}
        case $verb in
          exit)            # print a line to each stream, exit with $1
            printf 'task %s of %s (%s): %s\n' "$i" "$n" "$name" "$*"
            printf 'stderr of task %s\n' "$i" >&2
            exit "$1" ;;
          exit-by-index)   # exit with the code at this task's index in the arguments
            codes=("$@")
            exit "${codes[$i]}" ;;
          span)            # write the start and end times (ns) to $1/span.INDEX, sleeping $2 s between
            printf '%s\n' "$(date +%s%N)" >"$1/span.$i"
            sleep "$2"
            printf '%s\n' "$(date +%s%N)" >>"$1/span.$i"
            ;;
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

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TempDirectory _temp = new();
    private readonly List<int> _sessions = [];

    public ShellSweepRunnerSpecs()
    {
        Script = _temp.Combine("task.sh");
        File.WriteAllText(Script, TaskScript.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Work);
    }

    private string Script { get; }

    private string Work => _temp.Combine("work");

    private string Logs => _temp.Combine("logs");

    public void Dispose()
    {
        // Whatever is left of a detached sweep is in its supervisor's session; a task's child sleep wrote its pid.
        foreach (var session in _sessions)
        {
            foreach (var pid in InSession(session))
            {
                Posix.SignalProcess(pid, Posix.SigKill);
            }
        }

        foreach (var file in Directory.GetFiles(Work, "child.*"))
        {
            if (int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var child) && child > 1 && IsSleep(child))
            {
                Posix.SignalProcess(child, Posix.SigKill);
            }
        }

        _temp.Dispose();
    }

    private ShellJobRunner Runner(bool detach, int? maxParallel = null) =>
        new(new ShellJobOptions { Detach = detach, Executable = Script, LogDirectory = Logs, MaxParallel = maxParallel })
        {
            CancelGracePeriod = TimeSpan.FromSeconds(5),
        };

    private static DummyCommand Command(params string[] argv) => new DummyCommand(argv);

    private async Task<JobHandle> Submit(ShellJobRunner runner, JobRequest request, CancellationToken cancellationToken = default)
    {
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(request, cancellationToken));
        if (handle.MetadataText("mode") == "detached")
        {
            _sessions.Add(Pid(handle));
        }

        return handle;
    }

    private static int Pid(JobHandle handle) => int.Parse(handle.MetadataText("pid")!, CultureInfo.InvariantCulture);

    private static string RunDirectory(JobHandle handle) => handle.MetadataText("run_dir")!;

    /// <summary>Polls the sweep's status until <paramref name="done"/> holds, failing with the last status after the deadline.</summary>
    private static async Task<JobStatusResult> Until(JobRunner runner, JobHandle handle, Func<JobStatusResult, bool> done, string what)
    {
        var result = await Eventually.Until(() => runner.StatusAsync(handle), done, Deadline);
        Assert.True(done(result), $"{what}: not so within {Deadline.TotalSeconds} s; last status {result}; {string.Join("; ", result.DetailLines())}");
        return result;
    }

    private static Task<JobStatusResult> Finished(JobRunner runner, JobHandle handle) =>
        Until(runner, handle, r => r.Status.IsFinished(), "the sweep should have finished");

    private static bool RunningWithPid(JobStatusResult result, int task) =>
        result.Sweep!.Tasks[task] is { Status: JobStatus.Running } t && t.Detail.ContainsKey("pid");

    private int Child(int task)
    {
        var file = Path.Combine(Work, $"child.{task.ToString(CultureInfo.InvariantCulture)}");
        var text = Eventually.Until(() => File.Exists(file) ? File.ReadAllText(file).Trim() : string.Empty, t => t.Length > 0, Deadline);
        Assert.True(text.Length > 0, $"task {task} did not write its child's pid within {Deadline.TotalSeconds} s");
        return int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static void AssertGone(int pid, string what)
    {
        var alive = Eventually.Until(() => ProcStat.Alive(pid), a => !a, Deadline);
        Assert.False(alive, $"{what} (pid {pid}) is still alive after {Deadline.TotalSeconds} s");
    }

    private static bool IsSleep(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm").Trim() == "sleep";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The live processes of a session (a detached sweep's supervisor leads its own).</summary>
    private static List<int> InSession(int session)
    {
        if (session <= 1 || session == ProcStat.Read(Environment.ProcessId)!.Value.Session)
        {
            return [];
        }

        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ProcStat.Read(pid) is { IsAlive: true } stat && stat.Session == session)
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    /// <summary>A task's detail as JSON, without its elapsed time (a clock reading; ShellUsageSpecs checks it).</summary>
    private static string Json(IReadOnlyDictionary<string, JsonNode?> map) =>
        new JsonObject([.. map.Where(kv => kv.Key is not ("elapsed_seconds" or "started_at" or "ended_at")).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))]).ToJsonString(Relaxed);

    private static string Statuses(JobStatusResult result) => string.Join(' ', result.Sweep!.Tasks.Select(t => t.Status.ToWireName()));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    // --- Exit codes and logs -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_task_ends_with_its_own_exit_code_and_the_failed_ones_are_named(bool detach)
    {
        var runner = Runner(detach);
        int[] codes = [0, 3, 0, 0, 255];

        var handle = await Submit(runner, JobRequest.Sweep([.. codes.Select(c => Command("exit", Text(c)))], maxParallel: 2));
        var status = await Finished(runner, handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("successful failed successful successful failed", Statuses(status));
        Assert.Equal(codes.Select(c => (int?)c), status.Sweep!.Tasks.Select(t => t.ExitCode));
        Assert.Equal([1, 4], status.Sweep.FailedIndices);
        Assert.Equal(["{\"returncode\":0}", "{\"returncode\":3}", "{\"returncode\":0}", "{\"returncode\":0}", "{\"returncode\":255}"], status.Sweep.Tasks.Select(t => Json(t.Detail)));
        Assert.Equal(["tasks: 5 (3 successful, 2 failed)", "failed tasks: 1, 4"], status.DetailLines().Where(l => l.StartsWith("tasks:", StringComparison.Ordinal) || l.StartsWith("failed tasks:", StringComparison.Ordinal)));
        Assert.Equal(detach ? "detached" : "blocking", handle.MetadataText("mode"));
        Assert.Equal("{\"tasks\":5,\"max_parallel\":2}", handle.Metadata["sweep"]!.ToJsonString());
        Assert.Equal(5, handle.SweepSize);
        Assert.Equal(detach ? null : "1", handle.MetadataText("returncode"));
        Assert.Equal("{\"task\":1,\"returncode\":3}", Json((await runner.TaskStatusAsync(handle, 1)).Detail));
    }

    [Fact]
    public async Task A_sweep_whose_every_task_succeeds_is_successful()
    {
        var runner = Runner(detach: false);

        var handle = await Submit(runner, JobRequest.Sweep([Command("exit", "0"), Command("exit", "0"), Command("exit", "0")]));
        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Successful, status.Status);
        Assert.Equal("0", handle.MetadataText("returncode"));
        Assert.Empty(status.Sweep!.FailedIndices);
        Assert.Equal(["tasks: 3 (3 successful)"], status.DetailLines());
        // Without a limit from the request or the runner, one task per CPU.
        Assert.Equal($"{{\"tasks\":3,\"max_parallel\":{Environment.ProcessorCount}}}", handle.Metadata["sweep"]!.ToJsonString());
    }

    [Fact]
    public async Task Each_task_is_told_its_index_and_the_sweeps_size()
    {
        var runner = Runner(detach: true);
        var same = Command("exit-by-index", "0", "4", "0", "9");

        var handle = await Submit(runner, JobRequest.Sweep([same, same, same, same]));
        var status = await Finished(runner, handle);

        Assert.Equal([0, 4, 0, 9], status.Sweep!.Tasks.Select(t => t.ExitCode ?? -1));
        Assert.Equal([1, 3], status.Sweep.FailedIndices);
    }

    [Fact]
    public async Task Each_tasks_output_lands_in_its_own_log()
    {
        var runner = Runner(detach: true);

        var handle = await Submit(runner, JobRequest.Sweep([Command("exit", "0"), Command("exit", "0", "two words"), Command("exit", "2")]));
        await Finished(runner, handle);
        var run = RunDirectory(handle);

        Assert.Equal(Path.Combine(Logs, $"shell-{handle.JobId}"), run);
        Assert.Equal([Path.Combine(run, "supervisor.log")], runner.GetLogFiles(handle));
        string[] expected =
        [
            "task 0 of 3 (process): 0\nstderr of task 0\n",
            "task 1 of 3 (process): 0 two words\nstderr of task 1\n",
            "task 2 of 3 (process): 2\nstderr of task 2\n",
        ];
        for (var i = 0; i < 3; i++)
        {
            var log = Assert.Single(runner.GetTaskLogFiles(handle, i));
            Assert.Equal(Path.Combine(run, "tasks", $"{Text(i)}.log"), log);
            using var reader = new StreamReader(JobRunner.OpenLogFile(log));
            Assert.Equal(expected[i], await reader.ReadToEndAsync());
        }

        Assert.Equal(string.Empty, await File.ReadAllTextAsync(Path.Combine(run, "supervisor.log")));
    }

    [Fact]
    public async Task A_dry_run_of_a_sweep_describes_it_and_starts_nothing()
    {
        var runner = Runner(detach: true, maxParallel: 4);

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep([Command("exit", "0", "a b"), Command("exit", "1")]) with { DryRun = true }));

        Assert.Equal($"2 tasks, the first: {Script} process exit 0 'a b'", dry.Command);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["mode"] = "detached",
                ["cwd"] = Environment.CurrentDirectory,
                ["tasks"] = "2",
                ["max_parallel"] = "4",
                ["task_logs"] = Path.Combine(Logs, "shell-PID", "tasks", "INDEX.log"),
            },
            dry.Details);
        Assert.False(Directory.Exists(Logs));
    }

    // --- At most K at once ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(2, null, 2)]
    [InlineData(null, 1, 1)]
    [InlineData(1, 3, 1)]
    public async Task Never_more_tasks_run_at_once_than_the_limit(int? requestLimit, int? runnerLimit, int limit)
    {
        var runner = Runner(detach: true, maxParallel: runnerLimit);
        var tasks = Enumerable.Range(0, 8).Select(_ => Command("span", Work, "0.2")).ToList();

        var handle = await Submit(runner, JobRequest.Sweep(tasks, requestLimit));
        var status = await Finished(runner, handle);

        Assert.Equal(JobStatus.Successful, status.Status);
        Assert.Equal($"{{\"tasks\":8,\"max_parallel\":{Text(limit)}}}", handle.Metadata["sweep"]!.ToJsonString());
        var spans = Enumerable.Range(0, 8).Select(i => File.ReadAllLines(Path.Combine(Work, $"span.{Text(i)}")).Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.All(spans, s => Assert.True(s.Length == 2 && s[0] <= s[1], "a span is a start and an end"));

        // Ends before starts at the same instant: touching spans do not overlap.
        var events = spans.SelectMany(s => new[] { (At: s[0], Change: 1), (At: s[1], Change: -1) }).OrderBy(e => e.At).ThenBy(e => e.Change);
        var running = 0;
        var most = 0;
        foreach (var (_, change) in events)
        {
            running += change;
            most = Math.Max(most, running);
        }

        Assert.True(most <= limit, $"{most} tasks ran at once with a limit of {limit}");
    }

    [Fact]
    public async Task Tasks_beyond_the_limit_wait_as_pending_while_the_first_run()
    {
        var runner = Runner(detach: true);
        var go = Path.Combine(Work, "go");

        var handle = await Submit(runner, JobRequest.Sweep([.. Enumerable.Range(0, 5).Select(_ => Command("await", go))], maxParallel: 2));
        var waiting = await Until(runner, handle, r => RunningWithPid(r, 0) && RunningWithPid(r, 1), "tasks 0 and 1 should be running");
        await File.WriteAllTextAsync(go, string.Empty);
        var status = await Finished(runner, handle);

        Assert.Equal(JobStatus.Running, waiting.Status);
        Assert.Equal("running running pending pending pending", Statuses(waiting));
        Assert.Equal(JobStatus.Successful, status.Status);
    }

    // --- Blocking --------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_blocking_sweep_returns_only_when_every_task_has_ended_and_its_status_is_final()
    {
        var runner = Runner(detach: false);

        var handle = await Submit(runner, JobRequest.Sweep([Command("span", Work, "0.3"), Command("span", Work, "0.3"), Command("exit", "6"), Command("span", Work, "0.3")], maxParallel: 2));

        // Read at once, no waiting: every task has written its end, and the first status is final.
        foreach (var i in new[] { 0, 1, 3 })
        {
            Assert.Equal(2, File.ReadAllLines(Path.Combine(Work, $"span.{Text(i)}")).Length);
        }

        var run = RunDirectory(handle);
        Assert.Equal(["0", "1", "2", "3"], File.ReadAllLines(Path.Combine(run, "results")).Select(l => l.Split(' ')[0]).Order(StringComparer.Ordinal));
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(run, "done")));
        Assert.False(ProcStat.Alive(Pid(handle)), "the supervisor of a blocking sweep outlived its submission");
        var status = await runner.StatusAsync(handle);
        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("successful successful failed successful", Statuses(status));
        Assert.Equal([2], status.Sweep!.FailedIndices);
        Assert.Equal(6, status.Sweep.Tasks[2].ExitCode);
        Assert.Equal("blocking", handle.MetadataText("mode"));
        Assert.Equal("1", handle.MetadataText("returncode"));
        Assert.False(handle.Metadata.ContainsKey("cancelled"));
        Assert.Empty(status.Detail);
    }

    [Fact]
    public async Task A_blocking_sweep_cancelled_by_its_token_stops_every_task_and_still_returns_its_handle()
    {
        var runner = Runner(detach: false);
        using var cancel = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, 4).Select(_ => Command("hold", Work)).ToList();

        var submitting = Submit(runner, JobRequest.Sweep(tasks, maxParallel: 2), cancel.Token);
        var children = new[] { Child(0), Child(1) };
        await cancel.CancelAsync();
        var handle = await submitting.WaitAsync(Deadline);
        var status = await runner.StatusAsync(handle);

        foreach (var child in children)
        {
            AssertGone(child, "a cancelled task's child");
        }

        Assert.False(ProcStat.Alive(Pid(handle)), "the supervisor outlived the cancel");
        Assert.Equal("true", handle.Metadata["cancelled"]!.ToJsonString());
        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("failed failed failed failed", Statuses(status));
        Assert.Equal(
            ["{\"returncode\":143,\"cancelled\":true,\"signal\":15}", "{\"returncode\":143,\"cancelled\":true,\"signal\":15}",
             $"{{\"reason\":\"{CancelledBeforeStart}\"}}", $"{{\"reason\":\"{CancelledBeforeStart}\"}}"],
            status.Sweep!.Tasks.Select(t => Json(t.Detail)));
        Assert.False(File.Exists(Path.Combine(RunDirectory(handle), "tasks", "2.log")), "a task cancelled before it started has no log");
    }

    // --- Cancel ----------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Cancelling_one_running_task_stops_it_and_its_children_while_the_others_finish()
    {
        var runner = Runner(detach: true);
        var go = Path.Combine(Work, "go");

        var handle = await Submit(runner, JobRequest.Sweep([Command("exit", "0"), Command("hold", Work), Command("await", go)]));
        var child = Child(1);
        var before = await Until(runner, handle, r => r.Sweep!.Tasks[0].Status == JobStatus.Successful && RunningWithPid(r, 1) && RunningWithPid(r, 2), "task 0 should have ended and tasks 1 and 2 be running");
        var taskPid = before.Sweep!.Tasks[1].Detail["pid"]!.GetValue<int>();

        await runner.CancelTaskAsync(handle, 1);
        AssertGone(child, "the cancelled task's child");
        AssertGone(taskPid, "the cancelled task");
        var meanwhile = await Until(runner, handle, r => r.Sweep!.Tasks[1].Status.IsFinished(), "task 1 should have ended");
        await File.WriteAllTextAsync(go, string.Empty);
        var status = await Finished(runner, handle);

        Assert.Equal("successful failed running", Statuses(meanwhile));
        Assert.Equal(JobStatus.Running, meanwhile.Status);
        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("successful failed successful", Statuses(status));
        Assert.Equal([1], status.Sweep!.FailedIndices);
        Assert.Equal("{\"task\":1,\"returncode\":143,\"cancelled\":true,\"signal\":15}", Json((await runner.TaskStatusAsync(handle, 1)).Detail));
        Assert.Equal("{\"task\":2,\"returncode\":0}", Json((await runner.TaskStatusAsync(handle, 2)).Detail));
    }

    [Fact]
    public async Task A_task_cancelled_before_it_starts_never_starts_and_the_rest_go_on()
    {
        var runner = Runner(detach: true);
        var go = Path.Combine(Work, "go");

        var handle = await Submit(runner, JobRequest.Sweep([Command("await", go), Command("exit", "0"), Command("exit", "0")], maxParallel: 1));
        await Until(runner, handle, r => RunningWithPid(r, 0), "task 0 should be running");
        await runner.CancelTaskAsync(handle, 1);
        await File.WriteAllTextAsync(go, string.Empty);
        var status = await Finished(runner, handle);
        var run = RunDirectory(handle);

        Assert.Equal("successful failed successful", Statuses(status));
        Assert.Equal($"{{\"reason\":\"{CancelledBeforeStart}\"}}", Json(status.Sweep!.Tasks[1].Detail));
        Assert.Null(status.Sweep.Tasks[1].ExitCode);
        Assert.Equal(["0", "2"], File.ReadAllLines(Path.Combine(run, "started")));
        Assert.False(File.Exists(Path.Combine(run, "tasks", "1.log")));
    }

    [Fact]
    public async Task Cancelling_a_finished_task_changes_nothing()
    {
        var runner = Runner(detach: true);

        var handle = await Submit(runner, JobRequest.Sweep([Command("exit", "0"), Command("exit", "4")]));
        var before = await Finished(runner, handle);
        await runner.CancelTaskAsync(handle, 0);
        await runner.CancelTaskAsync(handle, 1);
        var after = await runner.StatusAsync(handle);

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(RunDirectory(handle), "cancel")));
        Assert.Equal(Statuses(before), Statuses(after));
        Assert.Equal(["{\"returncode\":0}", "{\"returncode\":4}"], after.Sweep!.Tasks.Select(t => Json(t.Detail)));
    }

    [Fact]
    public async Task Cancelling_the_sweep_stops_every_task_and_what_they_started_and_the_rest_never_start()
    {
        var runner = Runner(detach: true);
        var tasks = Enumerable.Range(0, 4).Select(_ => Command("hold", Work)).ToList();

        var handle = await Submit(runner, JobRequest.Sweep(tasks, maxParallel: 2));
        var supervisor = Pid(handle);
        var children = new[] { Child(0), Child(1) };
        await Until(runner, handle, r => RunningWithPid(r, 0) && RunningWithPid(r, 1), "tasks 0 and 1 should be running");

        await runner.CancelAsync(handle);
        var status = await runner.StatusAsync(handle);

        var left = Eventually.Until(() => InSession(supervisor), l => l.Count == 0, Deadline);
        Assert.True(left.Count == 0, $"processes of the sweep still alive: {string.Join(' ', left)}");
        foreach (var child in children)
        {
            AssertGone(child, "a task's child");
        }

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("failed failed failed failed", Statuses(status));
        Assert.Equal(
            ["{\"returncode\":143,\"cancelled\":true,\"signal\":15}", "{\"returncode\":143,\"cancelled\":true,\"signal\":15}",
             $"{{\"reason\":\"{CancelledBeforeStart}\"}}", $"{{\"reason\":\"{CancelledBeforeStart}\"}}"],
            status.Sweep!.Tasks.Select(t => Json(t.Detail)));
        Assert.Equal([0, 1, 2, 3], status.Sweep.FailedIndices);
        Assert.Equal($"{{\"pid\":{Text(supervisor)}}}", Json(status.Detail));
        Assert.Equal(["0", "1"], File.ReadAllLines(Path.Combine(RunDirectory(handle), "started")));

        // Cancelling it again finds nothing to stop.
        await runner.CancelAsync(handle);
        Assert.Equal(Statuses(status), Statuses(await runner.StatusAsync(handle)));
    }

    // --- A supervisor that was killed ---------------------------------------------------------------------------------------

    [Fact]
    public async Task A_sweep_killed_whole_reports_its_unrecorded_tasks_as_finished_unknown_and_says_why()
    {
        var runner = Runner(detach: true);
        var tasks = Enumerable.Range(0, 3).Select(_ => Command("hold", Work)).ToList();

        var handle = await Submit(runner, JobRequest.Sweep(tasks, maxParallel: 2));
        var supervisor = Pid(handle);
        var children = new[] { Child(0), Child(1) };
        await Until(runner, handle, r => RunningWithPid(r, 0) && RunningWithPid(r, 1), "tasks 0 and 1 should be running");

        Posix.SignalGroup(supervisor, Posix.SigKill);
        AssertGone(supervisor, "the supervisor");
        foreach (var child in children)
        {
            AssertGone(child, "a task's child");
        }

        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("finished_unknown finished_unknown finished_unknown", Statuses(status));
        Assert.Equal(
            [$"{{\"reason\":\"{KilledRecorder}\"}}", $"{{\"reason\":\"{KilledRecorder}\"}}", $"{{\"reason\":\"{NeverStarted}\"}}"],
            status.Sweep!.Tasks.Select(t => Json(t.Detail)));
        Assert.Equal([0, 1, 2], status.Sweep.FailedIndices);
        Assert.Equal($"{{\"pid\":{Text(supervisor)},\"reason\":\"the sweep's supervisor ended without finishing (it was killed)\"}}", Json(status.Detail));
    }

    [Fact]
    public async Task A_sweep_whose_supervisor_alone_was_killed_shows_its_tasks_still_running_and_cancel_still_stops_them()
    {
        var runner = Runner(detach: true);
        var tasks = Enumerable.Range(0, 3).Select(_ => Command("hold", Work)).ToList();

        var handle = await Submit(runner, JobRequest.Sweep(tasks, maxParallel: 2));
        var supervisor = Pid(handle);
        Child(0);
        Child(1);
        await Until(runner, handle, r => RunningWithPid(r, 0) && RunningWithPid(r, 1), "tasks 0 and 1 should be running");

        Posix.SignalProcess(supervisor, Posix.SigKill);
        AssertGone(supervisor, "the supervisor");
        var orphaned = await runner.StatusAsync(handle);
        await runner.CancelAsync(handle);
        var cancelled = await Until(runner, handle, r => r.Sweep!.Tasks[0].Status == JobStatus.Failed && r.Sweep.Tasks[1].Status == JobStatus.Failed, "tasks 0 and 1 should have been stopped");

        // Each task's recorder outlives the supervisor, so the tasks still run, and are not taken for ended.
        Assert.Equal(JobStatus.Running, orphaned.Status);
        Assert.True(RunningWithPid(orphaned, 0) && RunningWithPid(orphaned, 1), Json(orphaned.Sweep!.Tasks[0].Detail));
        Assert.Equal($"{{\"reason\":\"{NeverStarted}\"}}", Json(orphaned.Sweep.Tasks[2].Detail));
        Assert.Equal(JobStatus.Failed, cancelled.Status);
        Assert.Equal([true, true], cancelled.Sweep!.Tasks.Take(2).Select(t => t.Detail.ContainsKey("cancelled")));
    }
}
