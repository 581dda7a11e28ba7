using System.Text;
using Flepimop2.Configuration;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.Shell;

public sealed class ShellJobRunnerSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private ShellJobRunner Runner(bool detach) =>
        new(new ShellJobOptions { Detach = detach, Executable = TestPaths.Dummy, LogDirectory = _temp.Combine("logs") })
        {
            CancelGracePeriod = TimeSpan.FromSeconds(3),
        };

    private static async Task<JobStatusResult> Finished(JobRunner runner, JobHandle handle) =>
        await Eventually.Until(() => runner.StatusAsync(handle), r => r.Status.IsFinished());

    [Theory]
    [InlineData(0, JobStatus.Successful)]
    [InlineData(3, JobStatus.Failed)]
    public async Task I_can_run_a_blocking_job_and_get_its_return_code(int code, JobStatus expected)
    {
        var runner = Runner(detach: false);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", code.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var status = await runner.StatusAsync(handle);

        Assert.Equal("blocking", handle.MetadataText("mode"));
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), handle.MetadataText("returncode"));
        Assert.Equal(expected, status.Status);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), status.Detail["returncode"]!.ToJsonString());
    }

    [Fact]
    public async Task Every_blocking_job_gets_its_own_id_even_with_the_same_return_code()
    {
        var runner = Runner(detach: false);

        var first = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", "0")));
        var second = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.NotEqual(first.JobId, second.JobId);
        Assert.NotEqual("0", first.JobId);
    }

    [Theory]
    [InlineData(0, JobStatus.Successful)]
    [InlineData(5, JobStatus.Failed)]
    public async Task I_can_submit_a_detached_job_and_see_its_real_exit_code_after_it_ends(int code, JobStatus expected)
    {
        var runner = Runner(detach: true);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", code.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var status = await Finished(runner, handle);

        Assert.Equal(expected, status.Status);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), status.Detail["returncode"]!.ToJsonString());
    }

    [Fact]
    public async Task A_detached_job_runs_in_its_own_session_and_is_running_until_it_ends()
    {
        var runner = Runner(detach: true);
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("sleep", "30")));
        try
        {
            var status = await runner.StatusAsync(handle);
            var pid = int.Parse(handle.MetadataText("pid")!, System.Globalization.CultureInfo.InvariantCulture);

            Assert.Equal(JobStatus.Running, status.Status);
            Assert.Equal(pid, ProcessProbe.Read(pid).ProcessGroup);
            Assert.NotEqual(Environment.ProcessId, ProcessProbe.Read(pid).ProcessGroup);
        }
        finally
        {
            await runner.CancelAsync(handle);
        }
    }

    [Fact]
    public async Task Cancel_stops_the_whole_process_group_including_the_jobs_children()
    {
        var runner = Runner(detach: true);
        var pidFile = _temp.Combine("child.pid");
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("spawn-sleep", pidFile, "60")));
        var childPid = Eventually.Until(() => File.Exists(pidFile) ? File.ReadAllText(pidFile) : string.Empty, s => s.Length > 0);
        var child = int.Parse(childPid, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ProcessProbe.Read(child).IsAlive);

        await runner.CancelAsync(handle);
        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Failed, status.Status);
        Assert.Equal("true", status.Detail["cancelled"]!.ToJsonString());
        Assert.False(Eventually.Until(() => ProcessProbe.Read(child).IsAlive, alive => !alive, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancelling_a_finished_job_changes_nothing()
    {
        var runner = Runner(detach: true);
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", "0")));
        await Finished(runner, handle);

        await runner.CancelAsync(handle);

        var status = await runner.StatusAsync(handle);
        Assert.Equal(JobStatus.Successful, status.Status);
        Assert.False(status.Detail.ContainsKey("cancelled"));
    }

    [Fact]
    public async Task A_pid_reused_by_another_process_is_not_taken_for_the_job()
    {
        var runner = Runner(detach: true);
        using var other = Decoy.Start();
        var probe = ProcessProbe.Read(other.Pid);

        // Submitted before the decoy started, so that only the recorded start time tells them apart.
        var handle = new JobHandle("reused", "shell", DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1))
        {
            Metadata = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>
            {
                ["mode"] = "detached",
                ["pid"] = other.Pid,
                ["start_time"] = probe.StartTicks + 1,
                ["boot_id"] = ProcessProbe.BootId,
                ["exit_file"] = _temp.Combine("never-written"),
            },
        };

        var status = await runner.StatusAsync(handle);
        await runner.CancelAsync(handle);

        Assert.True(probe.IsAlive);
        Assert.Equal(JobStatus.FinishedUnknown, status.Status);
        Assert.Contains("another process", status.Detail["reason"]!.ToString(), StringComparison.Ordinal);
        Assert.True(other.IsAlive, "cancel signalled a process that was not the job");
    }

    [Fact]
    public async Task A_job_whose_recorder_was_killed_is_finished_unknown_not_running()
    {
        var runner = Runner(detach: true);
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("sleep", "30")));
        var pid = int.Parse(handle.MetadataText("pid")!, System.Globalization.CultureInfo.InvariantCulture);

        Posix.SignalGroup(pid, Posix.SigKill);
        var status = await Finished(runner, handle);

        Assert.Equal(JobStatus.FinishedUnknown, status.Status);
        Assert.Contains("recorder was killed", status.Detail["reason"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_detached_jobs_output_goes_to_its_log_file()
    {
        var runner = Runner(detach: true);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("echo", "hello", "world")));
        await Finished(runner, handle);
        var log = Assert.Single(runner.GetLogFiles(handle));

        Assert.Equal("hello world\nerr\n", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task Arguments_reach_the_job_exactly_without_a_shell_reading_them()
    {
        var runner = Runner(detach: true);
        var output = _temp.Combine("argv.txt");
        string[] args = ["a b", "'single'", "\"double\"", "$HOME", "`date`", "x;y", "*", "–ü√ºnïcødé", "-n", "line\nbreak", string.Empty];

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand(["argv", output, .. args])));
        var status = await Finished(runner, handle);

        Assert.Equal(JobStatus.Successful, status.Status);
        Assert.Equal(args, (await File.ReadAllTextAsync(output, Encoding.UTF8)).Split('\0'));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Random_argument_lists_reach_the_job_exactly(bool detach)
    {
        // Spaces, quotes, $, backticks, newlines, globs, non-ASCII and leading dashes: every one reaches the job as given.
        var runner = Runner(detach);
        var alphabet = " \t\n'\"$`;*?[]{}()<>|&!#~\\-=aZ9é–ü√ß".ToCharArray();
        var samples = Gen.Elements(alphabet).ArrayOf().Select(c => new string(c)).ArrayOf().SampleSeeded(25);
        for (var i = 0; i < samples.Length; i++)
        {
            var output = _temp.Combine($"argv{i}.txt");
            var args = samples[i];

            var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand(["argv", output, .. args])));
            var status = await Finished(runner, handle);

            Assert.Equal(JobStatus.Successful, status.Status);
            var written = await File.ReadAllTextAsync(output, Encoding.UTF8);
            Assert.Equal(args, args.Length == 0 ? [] : written.Split('\0'));
        }
    }

    [Fact]
    public async Task A_missing_executable_is_a_validation_issue_and_nothing_runs()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = true, Executable = "no-such-program-flepimop2", LogDirectory = _temp.Combine("logs") });

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        var issue = Assert.Single(error.Issues);
        Assert.Equal("missing_executable", issue.Kind);
        Assert.Equal("no-such-program-flepimop2", issue.Context!["executable"]);
        Assert.False(Directory.Exists(_temp.Combine("logs")));
    }

    [Fact]
    public async Task A_missing_working_directory_is_a_validation_issue()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Executable = TestPaths.Dummy, Cwd = _temp.Combine("absent") });

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Equal("missing_directory", Assert.Single(error.Issues).Kind);
    }

    [Fact]
    public async Task A_dry_run_prepares_the_command_and_runs_nothing()
    {
        var runner = Runner(detach: true);
        var output = _temp.Combine("argv.txt");

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(new DummyCommand("argv", output, "two words"), dryRun: true));

        Assert.Equal($"{TestPaths.Dummy} process argv {output} 'two words'", dry.Command);
        Assert.Equal("detached", dry.Details["mode"]);
        await Task.Delay(300);
        Assert.False(File.Exists(output));
        Assert.False(Directory.Exists(_temp.Combine("logs")));
    }

    [Fact]
    public async Task The_env_option_replaces_the_jobs_environment_and_cwd_sets_its_directory()
    {
        var runner = new ShellJobRunner(new ShellJobOptions
        {
            Detach = false,
            Executable = "/bin/sh",
            Cwd = _temp.Path,
            Env = new Dictionary<string, string> { ["ONLY"] = "this", ["PATH"] = "/usr/bin:/bin" },
        });

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ShellScriptCommand("env | sort > env.txt; pwd > pwd.txt")));

        Assert.Equal("0", handle.MetadataText("returncode"));
        var env = await File.ReadAllLinesAsync(_temp.Combine("env.txt"));
        Assert.Contains("ONLY=this", env);
        Assert.DoesNotContain(env, line => line.StartsWith("HOME=", StringComparison.Ordinal));
        Assert.Equal(_temp.Path, (await File.ReadAllTextAsync(_temp.Combine("pwd.txt"))).Trim());
    }

    [Fact]
    public async Task Status_of_many_jobs_comes_back_in_order()
    {
        var runner = Runner(detach: false);
        var handles = new List<JobHandle>();
        foreach (var code in new[] { "0", "1", "0", "2" })
        {
            handles.Add(Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", code))));
        }

        var results = await runner.StatusManyAsync(handles);

        Assert.Equal(handles.Select(h => h.JobId), results.Select(r => r.JobId));
        Assert.Equal([JobStatus.Successful, JobStatus.Failed, JobStatus.Successful, JobStatus.Failed], results.Select(r => r.Status));
    }

    [Fact]
    public void The_configuration_round_trips_with_unknown_keys_kept()
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse("""
            {"module": "flepimop2.job.shell", "options": null, "cwd": "/tmp", "env": {"A": "1"}, "detach": false, "custom": [1, 2]}
            """)!.AsObject();

        var runner = Assert.IsType<ShellJobRunner>(JobRunners.Build(config));
        var written = runner.ToConfiguration();

        Assert.False(runner.Options.Detach);
        Assert.Equal("/tmp", runner.Options.Cwd);
        Assert.Equal("[1,2]", written["custom"]!.ToJsonString());
        Assert.Equal("{\"A\":\"1\"}", written["env"]!.ToJsonString());
        Assert.Equal(written.ToJsonString(), JobRunners.Build(written).ToConfiguration().ToJsonString());
    }

    /// <summary>With <c>/bin/sh</c> as the executable, the command name <c>-c</c> makes the job <c>sh -c SCRIPT</c>.</summary>
    private sealed record ShellScriptCommand(string Script) : Flepimop2.Commands.CliCommand
    {
        public override string CommandName => "-c";

        public override IReadOnlyList<string> ToArgv() => [Script];
    }
}
