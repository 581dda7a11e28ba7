using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// Shell sweep handles that point at the wrong processes or at nothing: status says what it cannot know, and cancel never
/// signals a process that cannot be one of the sweep's.
/// </summary>
public sealed class ShellSweepHardeningSpecs : IDisposable
{
    private const string NeverStarted = "the sweep's supervisor ended before starting it";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private ShellJobRunner Runner() =>
        new(new ShellJobOptions { Detach = true, Executable = "/bin/sh", LogDirectory = _temp.Combine("logs") }) { CancelGracePeriod = TimeSpan.FromSeconds(2) };

    private static JobHandle Handle(string? runDirectory, int tasks, params (string Key, JsonNode? Value)[] metadata)
    {
        var values = new Dictionary<string, JsonNode?> { ["mode"] = "detached", ["sweep"] = new JsonObject { ["tasks"] = tasks, ["max_parallel"] = null } };
        if (runDirectory is not null)
        {
            values["run_dir"] = runDirectory;
        }

        foreach (var (key, value) in metadata)
        {
            values[key] = value;
        }

        return new JobHandle("x", "shell", DateTimeOffset.UtcNow.AddMinutes(-1)) { Metadata = values };
    }

    private static string Json(IReadOnlyDictionary<string, JsonNode?> map) =>
        new JsonObject([.. map.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))]).ToJsonString(Relaxed);

    /// <summary>A sweep directory whose records say task 0 started as <paramref name="pid"/>, started at <paramref name="ticks"/>.</summary>
    private string RunDirectory(int pid, long ticks)
    {
        var run = _temp.Combine("shell-x");
        Directory.CreateDirectory(Path.Combine(run, "cancel"));
        File.WriteAllText(Path.Combine(run, "started"), "0\n");
        File.WriteAllText(Path.Combine(run, "pids"), $"0 {pid.ToString(CultureInfo.InvariantCulture)} {ticks.ToString(CultureInfo.InvariantCulture)}\n");
        return run;
    }

    [Fact]
    public async Task A_sweep_whose_supervisor_is_gone_and_recorded_nothing_is_finished_unknown_task_by_task()
    {
        var runner = Runner();
        var handle = Handle(_temp.Combine("never-made"), 3, ("pid", int.MaxValue));

        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("{\"pid\":2147483647,\"reason\":\"the sweep's supervisor ended without finishing (it was killed)\"}", Json(status.Detail));
        Assert.All(status.Sweep!.Tasks, t => Assert.Equal($"{{\"reason\":\"{NeverStarted}\"}}", Json(t.Detail)));
        Assert.Equal([0, 1, 2], status.Sweep.FailedIndices);
    }

    [Fact]
    public async Task A_sweep_handle_naming_pid_1_is_never_signalled_and_its_status_says_why()
    {
        var runner = Runner();
        var handle = Handle(_temp.Combine("never-made"), 2, ("pid", 1));

        var status = await runner.StatusAsync(handle);
        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelAsync(handle));

        Assert.Equal("{\"reason\":\"its recorded pid 1 cannot be a job's process (0, 1 and negative numbers address whole groups of processes)\"}", Json(status.Detail));
        Assert.Equal("failed", status.Status.ToWireName());
        Assert.Equal("cannot cancel shell-x: its recorded pid 1 cannot be a job's process (0, 1 and negative numbers address whole groups of processes); nothing was signalled", error.Message);
        Assert.False(Directory.Exists(_temp.Combine("never-made")), "cancel wrote into the directory of a sweep it refused");
    }

    [Fact]
    public async Task Cancelling_a_task_of_a_sweep_without_a_directory_does_nothing()
    {
        var runner = Runner();
        var handle = Handle(null, 2, ("pid", int.MaxValue));

        await runner.CancelTaskAsync(handle, 1);
        var status = await runner.StatusAsync(handle);

        Assert.Empty(runner.GetTaskLogFiles(handle, 1));
        Assert.Equal("finished_unknown finished_unknown", string.Join(' ', status.Sweep!.Tasks.Select(t => t.Status.ToWireName())));
    }

    [Fact]
    public async Task Cancelling_a_task_never_signals_a_process_whose_pid_was_recorded_before_another_boot()
    {
        // The pid and start time of task 0 are those of a live process, but the sweep ran before this machine last booted
        // (or on another machine sharing the directory): it cannot be the task, as the supervisor's own check says.
        var runner = Runner();
        using var decoy = Decoy.Start();
        var run = RunDirectory(decoy.Pid, decoy.StartTicks);
        var handle = Handle(run, 2, ("pid", decoy.Pid), ("start_time", decoy.StartTicks), ("boot_id", "00000000-0000-0000-0000-000000000000"));
        Assert.Equal(ShellProcessVerdict.NotTheJob, DetachedShellJobs.Judge(handle).Verdict);

        try
        {
            await runner.CancelTaskAsync(handle, 0);
        }
        catch (JobBackendException)
        {
            // Refusing is as good as doing nothing: what matters is what was signalled.
        }

        Assert.True(decoy.IsAlive, "cancelling a task signalled a process that cannot be one of the sweep's");
    }

    [Fact]
    public async Task Cancelling_a_task_never_signals_a_process_named_by_a_sweep_handle_that_is_refused()
    {
        var runner = Runner();
        using var decoy = Decoy.Start();
        var run = RunDirectory(decoy.Pid, decoy.StartTicks);
        var handle = Handle(run, 2, ("pid", 1));

        try
        {
            await runner.CancelTaskAsync(handle, 0);
        }
        catch (JobBackendException)
        {
            // As cancelling the whole sweep does: refused, nothing signalled.
        }

        Assert.True(decoy.IsAlive, "cancelling a task signalled a process named by a handle the runner refuses");
    }
}
