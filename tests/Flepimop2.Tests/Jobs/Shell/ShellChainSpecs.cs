using System.Diagnostics;
using System.Globalization;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Store;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>Jobs that wait for others on the shell runner: the waiting happens in the job's own recorder, with real processes.</summary>
public sealed class ShellChainSpecs : IDisposable
{
    /// <summary><c>step.sh COMMAND-NAME VERB ARGS...</c>: what each job of these chains runs.</summary>
    private const string StepScript = """
        #!/bin/bash
        shift
        verb=$1
        shift
        case $verb in
          mark)    # record that it ran, and when (ns), in $1; then exit $2
            date +%s%N >"$1"
            exit "${2:-0}" ;;
          await)   # say it started (in $1.started), wait (at most 60 s) until the file $1 exists, then exit ${2:-0}
            : >"$1.started"
            for ((k = 0; k < 1200; k++)); do [[ -e $1 ]] && exit "${2:-0}"; sleep 0.05; done
            exit 99 ;;
          *) exit 64 ;;
        esac
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();
    private readonly List<JobHandle> _detached = [];

    public ShellChainSpecs()
    {
        File.WriteAllText(Script, StepScript.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string Script => _temp.Combine("step.sh");

    [Fact]
    public async Task A_job_after_another_waits_pending_with_the_reason_then_runs_once_it_succeeded()
    {
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("await", _temp.Combine("go"))));
        var second = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("second-ran"))) { After = [new(first, DependencyCondition.Succeeded)] });

        var waiting = await Until(runner, second, r => r.Status == JobStatus.Pending, "the second job should wait");
        Assert.False(File.Exists(_temp.Combine("second-ran")), "the second job ran before the first ended");
        File.WriteAllText(_temp.Combine("go"), string.Empty);
        var last = await Until(runner, second, r => r.Status.IsFinished(), "the second job should finish");

        Assert.Equal($"waiting for {first.Key}", waiting.Detail["reason"]!.ToString());
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal(JobStatus.Successful, (await runner.StatusAsync(first)).Status);
        Assert.Equal([new JobDependency(first.Key, DependencyCondition.Succeeded)], second.After);
    }

    [Fact]
    public async Task A_job_after_a_failed_one_ends_failed_with_the_reason_without_running()
    {
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("first-ran"), "3")));
        var second = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("second-ran"))) { After = [new(first, DependencyCondition.Succeeded)] });

        var last = await Until(runner, second, r => r.Status.IsFinished(), "the second job should end");

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal($"dependency {first.Key} failed (it did not run)", last.Detail["reason"]!.ToString());
        Assert.False(last.Detail.ContainsKey("returncode"));
        Assert.False(File.Exists(_temp.Combine("second-ran")), "the second job ran although the first failed");
    }

    [Fact]
    public async Task A_job_after_any_runs_however_the_other_ended()
    {
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("first-ran"), "3")));
        var second = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("second-ran"))) { After = [new(first, DependencyCondition.Ended)] });

        var last = await Until(runner, second, r => r.Status.IsFinished(), "the second job should end");

        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.True(Ticks("second-ran") >= Ticks("first-ran"), "the second job started before the first ended");
    }

    [Fact]
    public async Task A_job_waits_for_all_of_its_predecessors()
    {
        var runner = Runner(detach: true);
        var one = await Submit(runner, new JobRequest(Step("await", _temp.Combine("go-1"))));
        var two = await Submit(runner, new JobRequest(Step("await", _temp.Combine("go-2"))));
        var last = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("last-ran"))) { After = [new(one, DependencyCondition.Succeeded), new(two, DependencyCondition.Ended)] });

        File.WriteAllText(_temp.Combine("go-1"), string.Empty);
        await Until(runner, one, r => r.Status.IsFinished(), "the first job should end");
        var still = await runner.StatusAsync(last);
        File.WriteAllText(_temp.Combine("go-2"), string.Empty);
        var done = await Until(runner, last, r => r.Status.IsFinished(), "the last job should end");

        Assert.Equal(JobStatus.Pending, still.Status);
        Assert.Equal($"waiting for {one.Key}, {two.Key}", still.Detail["reason"]!.ToString());
        Assert.Equal(JobStatus.Successful, done.Status);
    }

    [Fact]
    public async Task Cancelling_a_waiting_job_ends_it_failed_as_cancelled_without_running()
    {
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("await", _temp.Combine("go"))));
        var second = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("second-ran"))) { After = [new(first, DependencyCondition.Ended)] });
        await Until(runner, second, r => r.Status == JobStatus.Pending, "the second job should wait");

        await runner.CancelAsync(second);
        var last = await Until(runner, second, r => r.Status.IsFinished(), "the cancelled job should end");
        File.WriteAllText(_temp.Combine("go"), string.Empty);
        await Until(runner, first, r => r.Status.IsFinished(), "the first job should end");

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("cancelled while waiting for its predecessors (it did not run)", last.Detail["reason"]!.ToString());
        Assert.Equal("true", last.Detail["cancelled"]!.ToJsonString());
        Assert.False(File.Exists(_temp.Combine("second-ran")), "a cancelled job ran");
    }

    [Fact]
    public async Task A_waiting_job_cancelled_at_any_moment_of_its_wait_never_runs()
    {
        // The signal may come while the recorder asks about its predecessor (in a command substitution, which it also ends):
        // cancelled at varying moments, none of the jobs may run.
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("await", _temp.Combine("go"))));
        for (var i = 0; i < 30; i++)
        {
            var waiting = await Submit(runner, new JobRequest(Step("mark", _temp.Combine($"ran-{i}"))) { After = [new(first, DependencyCondition.Ended)] });
            await Task.Delay(TimeSpan.FromMilliseconds(i % 10 * 15));
            await runner.CancelAsync(waiting);
            var last = await Until(runner, waiting, r => r.Status.IsFinished(), "the cancelled job should end");

            Assert.Equal(JobStatus.Failed, last.Status);
            Assert.False(File.Exists(_temp.Combine($"ran-{i}")), $"job {i}, cancelled {i % 10 * 15} ms after its submission, ran");
        }

        File.WriteAllText(_temp.Combine("go"), string.Empty);
    }

    [Fact]
    public async Task Cancelling_a_waiting_sweep_ends_every_task_failed_without_running()
    {
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("await", _temp.Combine("go"))));
        var sweep = await Submit(runner, JobRequest.Sweep([Step("mark", _temp.Combine("never-0")), Step("mark", _temp.Combine("never-1"))]) with
        {
            After = [new(first, DependencyCondition.Ended)],
        });

        await runner.CancelAsync(sweep);
        var last = await Until(runner, sweep, r => r.Status.IsFinished(), "the sweep should end");
        File.WriteAllText(_temp.Combine("go"), string.Empty);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.All(last.Sweep!.Tasks, t => Assert.Equal("cancelled while waiting for its predecessors (it did not run)", t.Detail["reason"]!.ToString()));
        Assert.False(File.Exists(_temp.Combine("never-0")));
    }

    [Fact]
    public async Task A_predecessor_killed_without_an_exit_record_fails_a_job_that_needed_it_to_succeed()
    {
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("await", _temp.Combine("never"))));
        var second = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("second-ran"))) { After = [new(first, DependencyCondition.Succeeded)] });
        await Until(runner, second, r => r.Status == JobStatus.Pending, "the second job should wait");

        // Killed before its command started, the first job never ran, which is another answer: wait for its start.
        for (var waited = 0; !File.Exists(_temp.Combine("never.started")); waited += 20)
        {
            Assert.True(waited < Deadline.TotalMilliseconds, "the first job's command did not start");
            await Task.Delay(20);
        }

        // The whole session of the first job, its recorder included: nothing records its end.
        Posix.SignalGroup(int.Parse(first.MetadataText("pid")!, CultureInfo.InvariantCulture), Posix.SigKill);
        var last = await Until(runner, second, r => r.Status.IsFinished(), "the second job should end");

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal($"dependency {first.Key} ended without an exit record (it did not run)", last.Detail["reason"]!.ToString());
    }

    [Fact]
    public async Task A_job_after_one_that_never_ran_says_its_dependency_never_ran()
    {
        var runner = Runner(detach: true);
        var first = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("first-ran"), "3")));
        var second = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("second-ran"))) { After = [new(first, DependencyCondition.Succeeded)] });
        var third = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("third-ran"))) { After = [new(second, DependencyCondition.Succeeded)] });

        var last = await Until(runner, third, r => r.Status.IsFinished(), "the third job should end");

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal($"dependency {second.Key} never ran (it did not run)", last.Detail["reason"]!.ToString());
        Assert.Equal($"dependency {first.Key} failed (it did not run)", (await runner.StatusAsync(second)).Detail["reason"]!.ToString());
        Assert.False(File.Exists(_temp.Combine("third-ran")), "the third job ran although the second never did");
    }

    [Fact]
    public async Task A_sweep_is_waited_for_as_a_whole_and_a_sweep_can_wait_too()
    {
        var runner = Runner(detach: true);
        var sweep = await Submit(runner, JobRequest.Sweep([Step("mark", _temp.Combine("task-0")), Step("await", _temp.Combine("go"))]));
        var after = await Submit(runner, JobRequest.Sweep([Step("mark", _temp.Combine("after-0")), Step("mark", _temp.Combine("after-1"))]) with
        {
            After = [new(sweep, DependencyCondition.Succeeded)],
        });

        var waiting = await Until(runner, after, r => r.Status == JobStatus.Pending && File.Exists(_temp.Combine("task-0")), "the second sweep should wait");
        File.WriteAllText(_temp.Combine("go"), string.Empty);
        var last = await Until(runner, after, r => r.Status.IsFinished(), "the second sweep should end");

        Assert.Equal([$"waiting for {sweep.Key}", $"waiting for {sweep.Key}"], waiting.Sweep!.Tasks.Select(t => t.Detail["reason"]!.ToString()));
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.True(Ticks("after-0") >= Ticks("task-0"));
    }

    [Fact]
    public async Task A_sweep_with_a_failed_task_fails_the_jobs_that_needed_it_to_succeed()
    {
        var runner = Runner(detach: true);
        var sweep = await Submit(runner, JobRequest.Sweep([Step("mark", _temp.Combine("task-0")), Step("mark", _temp.Combine("task-1"), "5")]));
        var needsIt = await Submit(runner, JobRequest.Sweep([Step("mark", _temp.Combine("never-0"))]) with { After = [new(sweep, DependencyCondition.Succeeded)] });
        var anyway = await Submit(runner, new JobRequest(Step("mark", _temp.Combine("anyway"))) { After = [new(sweep, DependencyCondition.Ended)] });

        var failed = await Until(runner, needsIt, r => r.Status.IsFinished(), "the dependent sweep should end");
        var ran = await Until(runner, anyway, r => r.Status.IsFinished(), "the after-any job should end");

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal($"dependency {sweep.Key} failed (it did not run)", failed.Sweep!.Tasks[0].Detail["reason"]!.ToString());
        Assert.False(File.Exists(_temp.Combine("never-0")));
        Assert.Equal(JobStatus.Successful, ran.Status);
    }

    [Fact]
    public async Task A_blocking_job_is_refused_when_its_predecessor_has_not_ended_or_did_not_succeed()
    {
        var detached = Runner(detach: true);
        var blocking = Runner(detach: false);
        var running = await Submit(detached, new JobRequest(Step("await", _temp.Combine("go"))));
        var failed = await Submit(blocking, new JobRequest(Step("mark", _temp.Combine("failed"), "2")));

        var unfinished = await Assert.ThrowsAsync<Flepimop2ValidationException>(() =>
            blocking.SubmitAsync(new JobRequest(Step("mark", _temp.Combine("never"))) { After = [new(running, DependencyCondition.Ended)] }));
        var unsuccessful = await Assert.ThrowsAsync<Flepimop2ValidationException>(() =>
            blocking.SubmitAsync(new JobRequest(Step("mark", _temp.Combine("never"))) { After = [new(failed, DependencyCondition.Succeeded)] }));
        var afterAny = Assert.IsType<JobHandle>(await blocking.SubmitAsync(new JobRequest(Step("mark", _temp.Combine("any"))) { After = [new(failed, DependencyCondition.Ended)] }));
        File.WriteAllText(_temp.Combine("go"), string.Empty);

        Assert.Equal(
            $"{running.Key} has not finished (running), and a blocking job cannot wait for it; use a detached runner (detach: true), or 'flepimop2 job wait {running.Key}' first",
            Assert.Single(unfinished.Issues).Message);
        Assert.Equal(
            $"{failed.Key} did not succeed (failed), and this job runs only after it succeeds; use --after-any to run it however {failed.Key} ended",
            Assert.Single(unsuccessful.Issues).Message);
        Assert.False(File.Exists(_temp.Combine("never")));
        Assert.Equal(JobStatus.Successful, (await blocking.StatusAsync(afterAny)).Status);
    }

    [Fact]
    public async Task A_predecessor_on_another_backend_is_refused_naming_it()
    {
        var runner = Runner(detach: true);
        var slurmJob = new JobHandle("4211", "slurm", DateTimeOffset.UtcNow);

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() =>
            runner.SubmitAsync(new JobRequest(Step("mark", _temp.Combine("never"))) { After = [new(slurmJob, DependencyCondition.Succeeded)] }));

        var issue = Assert.Single(error.Issues);
        Assert.Equal("slurm-4211 is a slurm job; a shell job can only wait for shell jobs", issue.Message);
        Assert.Equal("invalid_dependency", issue.Kind);
    }

    [Fact]
    public async Task A_handle_records_its_command_exactly_enough_to_submit_it_again()
    {
        var command = new ProcessCommand(_temp.Combine("config.yaml")) { ProcessTarget = "sim $1 'a'", Verbosity = 2 };

        var handle = Assert.IsType<JobHandle>(await Runner(detach: false, executable: "true").SubmitAsync(new JobRequest(command)));
        var read = JobRecordJson.ReadHandle(JobRecordJson.Serialize(handle)).RecordedCommand!;

        Assert.Equal(["process", _temp.Combine("config.yaml"), "--target=sim $1 'a'", "-vv"], read.Argv);
        Assert.True(read.RunsFlepimop2);
        Assert.Equal(command.CommandLine(["/opt/flepimop2"]), read.CommandLine(["/opt/flepimop2"]));
        Assert.Equal(_temp.Combine("config.yaml"), read.Config);
        Assert.Equal("sim $1 'a'", read.Target);
    }

    public void Dispose()
    {
        foreach (var handle in _detached)
        {
            if (int.TryParse(handle.MetadataText("pid"), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1 && ProcStat.Alive(pid))
            {
                Posix.SignalGroup(pid, Posix.SigKill);
            }
        }

        _temp.Dispose();
    }

    private ShellJobRunner Runner(bool detach, string? executable = null) =>
        new(new ShellJobOptions { Detach = detach, Executable = executable ?? Script, LogDirectory = _temp.Combine("logs") }) { CancelGracePeriod = TimeSpan.FromSeconds(5) };

    private static DummyCommand Step(params string[] argv) => new(argv);

    private async Task<JobHandle> Submit(ShellJobRunner runner, JobRequest request)
    {
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(request));
        if (handle.MetadataText("mode") != "blocking")
        {
            _detached.Add(handle);
        }

        return handle;
    }

    private long Ticks(string mark) => long.Parse(File.ReadAllText(_temp.Combine(mark)).Trim(), CultureInfo.InvariantCulture);

    private static async Task<JobStatusResult> Until(JobRunner runner, JobHandle handle, Func<JobStatusResult, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await runner.StatusAsync(handle);
            if (done(result))
            {
                return result;
            }

            Assert.True(clock.Elapsed < Deadline, $"{what} within {Deadline.TotalSeconds:0} s; last: {result} {string.Join("; ", result.DetailLines())}");
            await Task.Delay(50);
        }
    }
}
