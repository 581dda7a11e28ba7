using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// The shell runner against handles that point at the wrong process, jobs that will not stop, and callers that give up:
/// nothing but the job is ever signalled, and a cancelled job ends as failed with the signal that ended it.
/// </summary>
public sealed class ShellHardeningSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void Mkfifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private ShellJobRunner Runner(bool detach, TimeSpan? grace = null) =>
        new(new ShellJobOptions { Detach = detach, Executable = TestPaths.Dummy, LogDirectory = _temp.Combine("logs") })
        {
            CancelGracePeriod = grace ?? TimeSpan.FromSeconds(3),
        };

    private static JobHandle Handle(DateTimeOffset submittedAt, params (string Key, JsonNode? Value)[] metadata) =>
        new("x", "shell", submittedAt) { Metadata = metadata.ToDictionary(m => m.Key, m => m.Value) };

    [Fact]
    public async Task Cancel_never_signals_a_process_that_cannot_be_the_job_and_says_why()
    {
        var runner = Runner(detach: true);
        using var decoy = Decoy.Start();
        var cases = new[]
        {
            Handle(DateTimeOffset.UtcNow.AddYears(-1), ("mode", "detached"), ("pid", 1)),
            Handle(DateTimeOffset.UtcNow.AddYears(-1), ("mode", "detached"), ("pid", 0)),
            Handle(DateTimeOffset.UtcNow.AddYears(-1), ("mode", "detached"), ("pid", -1)),
            Handle(DateTimeOffset.UtcNow.AddYears(-1), ("mode", "detached"), ("pid", ProcStat.OwnGroup())),
        };

        foreach (var handle in cases)
        {
            var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelAsync(handle));
            Assert.Contains("nothing was signalled", error.Message, StringComparison.Ordinal);
            Assert.NotEqual(JobStatus.Running, (await runner.StatusAsync(handle)).Status);
        }

        // A live process that is not the job: another start time, or (without one) older than the submission.
        var notTheJob = new[]
        {
            Handle(DateTimeOffset.UtcNow.AddYears(-1), ("mode", "detached"), ("pid", decoy.Pid), ("start_time", decoy.StartTicks + 7), ("boot_id", ProcessProbe.BootId)),
            Handle(DateTimeOffset.UtcNow.AddMinutes(5), ("mode", "detached"), ("pid", decoy.Pid)),
            Handle(DateTimeOffset.UtcNow.AddMinutes(5), ("mode", "detached")) with { JobId = decoy.Pid.ToString(CultureInfo.InvariantCulture) },
        };
        foreach (var handle in notTheJob)
        {
            await runner.CancelAsync(handle);
            var status = await runner.StatusAsync(handle);
            Assert.Equal(JobStatus.FinishedUnknown, status.Status);
        }

        Assert.True(decoy.IsAlive, "a process that was not the job was signalled");
        Assert.True(ProcStat.Alive(Environment.ProcessId));
    }

    [Theory]
    [InlineData("exit_code.tmp")]
    [InlineData("exit_code")]
    public async Task A_fifo_where_the_exit_record_goes_neither_blocks_the_recorder_nor_loses_the_exit_code(string name)
    {
        var runner = Runner(detach: true);
        var go = _temp.Combine("go");
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["sh", "-c", "while [ ! -e \"$1\" ]; do sleep 0.05; done; exit 4", "job", go], runsFlepimop2: false)));
        var exitFile = handle.MetadataText("exit_file")!;
        var fifo = Path.Combine(Path.GetDirectoryName(exitFile)!, name);
        Mkfifo(fifo);

        await File.WriteAllTextAsync(go, string.Empty);
        var status = await Eventually.Until(() => runner.StatusAsync(handle), r => r.Status.IsFinished());

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("4", status.Detail["returncode"]!.ToJsonString());
        Assert.Equal("4\n", await File.ReadAllTextAsync(exitFile));
    }

    [Theory]
    [InlineData("outcome.tmp")]
    [InlineData("done.tmp")]
    public async Task A_fifo_where_a_sweeps_outcome_goes_neither_blocks_its_supervisor_nor_loses_its_end(string name)
    {
        var runner = Runner(detach: true);
        var go = _temp.Combine("go");
        var task = new ArgvCommand(["sh", "-c", "while [ ! -e \"$1\" ]; do sleep 0.05; done; exit 4", "task", go], runsFlepimop2: false);
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep([task, task])));
        Mkfifo(Path.Combine(handle.MetadataText("run_dir")!, name));

        await File.WriteAllTextAsync(go, string.Empty);
        var status = await Eventually.Until(() => runner.StatusAsync(handle), r => r.Status.IsFinished());

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.All(status.Sweep!.Tasks, t => Assert.Equal("4", t.Detail["returncode"]!.ToJsonString()));
        Assert.True(Eventually.Until(() => File.Exists(Path.Combine(handle.MetadataText("run_dir")!, "done")), done => done, TimeSpan.FromSeconds(10)), "the supervisor did not record the sweep's end");
    }

    [Fact]
    public async Task A_job_that_ignores_sigterm_is_killed_after_the_grace_period_and_ends_failed_with_the_signal()
    {
        var runner = Runner(detach: true, grace: TimeSpan.FromSeconds(2));
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("ignore-term", "120")));
        Eventually.Until(() => File.Exists(handle.MetadataText("log")!) && File.ReadAllText(handle.MetadataText("log")!).Contains("ignoring SIGTERM", StringComparison.Ordinal), ready => ready);

        await runner.CancelAsync(handle);
        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("137", status.Detail["returncode"]!.ToJsonString());
        Assert.Equal("9", status.Detail["signal"]!.ToJsonString());
        Assert.Equal("true", status.Detail["cancelled"]!.ToJsonString());
        Assert.False(ProcStat.Alive(int.Parse(handle.MetadataText("pid")!, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_cancel_whose_wait_is_interrupted_kills_the_job_at_once_instead_of_leaving_it_running()
    {
        var runner = Runner(detach: true, grace: TimeSpan.FromMinutes(5));
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("ignore-term", "120")));
        Eventually.Until(() => File.Exists(handle.MetadataText("log")!) && File.ReadAllText(handle.MetadataText("log")!).Contains("ignoring SIGTERM", StringComparison.Ordinal), ready => ready);
        using var interrupt = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.CancelAsync(handle, interrupt.Token));
        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("9", status.Detail["signal"]!.ToJsonString());
    }

    [Fact]
    public async Task A_cancelled_blocking_job_is_stopped_with_everything_it_started_and_its_handle_says_so()
    {
        var runner = Runner(detach: false);
        var pidFile = _temp.Combine("child.pid");
        using var interrupt = new CancellationTokenSource();
        var submission = runner.SubmitAsync(new DummyCommand("spawn-sleep", pidFile, "120"), cancellationToken: interrupt.Token);
        var child = int.Parse(Eventually.Until(() => File.Exists(pidFile) ? File.ReadAllText(pidFile) : string.Empty, s => s.Length > 0), CultureInfo.InvariantCulture);

        await interrupt.CancelAsync();
        var handle = Assert.IsType<JobHandle>(await submission);
        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("true", status.Detail["cancelled"]!.ToJsonString());
        Assert.Equal("143", status.Detail["returncode"]!.ToJsonString());
        Assert.False(Eventually.Until(() => ProcStat.Alive(child), alive => !alive, TimeSpan.FromSeconds(10)), "the job's child outlived it");
    }

    [Fact]
    public async Task A_detached_jobs_id_is_its_pid_as_the_original_programs_is()
    {
        var runner = Runner(detach: true);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Equal(handle.MetadataText("pid"), handle.JobId);
        Assert.Equal($"shell-{handle.JobId}", handle.Key);
    }

    [Fact]
    public void A_pid_an_earlier_job_had_gets_a_suffix_so_no_record_is_overwritten()
    {
        var logs = _temp.Combine("logs");
        Directory.CreateDirectory(Path.Combine(logs, "shell-4242"));
        Directory.CreateDirectory(Path.Combine(logs, "shell-4242.2"));

        var (id, directory) = ShellRunDirectory.Claim(logs, 4242);
        var (fresh, _) = ShellRunDirectory.Claim(logs, 4343);

        Assert.Equal("4242.3", id);
        Assert.Equal(Path.Combine(logs, "shell-4242.3"), directory);
        Assert.True(Directory.Exists(directory));
        Assert.Equal("4343", fresh);
    }

    [Fact]
    public async Task A_running_detached_job_of_the_original_program_is_followed_and_cancelled_with_the_same_guards()
    {
        var runner = Runner(detach: true);
        var submittedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var job = Decoy.Start();
        var handle = new JobHandle(job.Pid.ToString(CultureInfo.InvariantCulture), "shell", submittedAt)
        {
            Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached" },
        };

        var running = await runner.StatusAsync(handle);
        await runner.CancelAsync(handle);
        var after = await Eventually.Until(() => runner.StatusAsync(handle), r => r.Status.IsFinished());

        Assert.Equal(JobStatus.Running, running.Status);
        Assert.Equal(JobStatus.FinishedUnknown, after.Status);
        Assert.Contains("original flepimop2", after.Detail["reason"]!.ToString(), StringComparison.Ordinal);
        Assert.False(job.IsAlive);
        Assert.Empty(runner.GetLogFiles(handle));
    }

    [Fact]
    public async Task Environment_names_and_values_a_process_cannot_receive_are_validation_issues_naming_the_field()
    {
        var runner = new ShellJobRunner(new ShellJobOptions
        {
            Executable = TestPaths.Dummy,
            Env = new Dictionary<string, string> { ["A=B"] = "1", [string.Empty] = "2", ["NUL"] = "a\0b", ["OK"] = "fine" },
        });

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Equal(["env.A=B", "env.", "env.NUL"], error.Issues.Select(i => i.Field));
        Assert.All(error.Issues, i => Assert.Equal("invalid_environment", i.Kind));
    }

    [Fact]
    public async Task A_log_directory_that_cannot_be_made_is_a_validation_issue_naming_the_field()
    {
        var file = _temp.Combine("a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var runner = new ShellJobRunner(new ShellJobOptions { Executable = TestPaths.Dummy, LogDirectory = Path.Combine(file, "logs") });

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        var issue = Assert.Single(error.Issues);
        Assert.Equal("log-directory", issue.Field);
        Assert.Contains("is a file", issue.Message, StringComparison.Ordinal);
    }
}
