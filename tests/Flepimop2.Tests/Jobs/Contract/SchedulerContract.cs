using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>
/// What every batch scheduler's runner does, written once against the public <see cref="JobRunner"/> API: submit, exit
/// codes, failure, cancel, a time limit with advice, hostile arguments, batched status, sweeps (a cap, failures, one task
/// cancelled, per-task logs, a dry run), chains. A backend runs it by deriving from it: the real Slurm cluster and Grid
/// Engine cell, and their scripted stand-ins, each in a few lines; what differs between schedulers is in its
/// <see cref="SchedulerDialect"/>.
/// </summary>
public abstract class SchedulerContract
{
    /// <summary>How this scheduler names, builds and ends things.</summary>
    private protected abstract SchedulerDialect Dialect { get; }

    /// <summary>Where jobs run and through which tools; each test builds its runners from these.</summary>
    private protected abstract RunnerSettings Settings { get; }

    /// <summary>How long a test waits for jobs to reach a state before it fails.</summary>
    protected abstract TimeSpan Patience { get; }

    /// <summary>How often a test asks.</summary>
    protected virtual TimeSpan PollInterval => TimeSpan.FromMilliseconds(500);

    /// <summary>How long a job must run for a test to see it running and act on it (cancel it) before it ends.</summary>
    protected virtual double LongEnoughSeconds => 8;

    /// <summary>How many jobs the batched status test asks about in one call.</summary>
    protected virtual int ManyJobs => 24;

    private string Directory => Settings.Directory;

    [Fact]
    public async Task I_can_submit_a_succeeding_step_and_see_it_waiting_or_running_then_successful_with_exit_code_0()
    {
        var runner = Runner();
        var handle = await RunnerSteps.SubmitAsync(runner, "sleep", "2");

        var first = await runner.StatusAsync(handle);
        var last = await WaitFinishedAsync(runner, handle);

        Assert.Contains(first.Status, new[] { JobStatus.Pending, JobStatus.Running });
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal("0", Text(last, "exit_code"));
        AssertDetail(Ending.Completed, last);
    }

    [Fact]
    public async Task I_can_submit_a_failing_step_and_see_it_failed_with_its_exit_code()
    {
        var runner = Runner();
        var handle = await RunnerSteps.SubmitAsync(runner, "exit", "3");

        var last = await WaitFinishedAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("3", Text(last, "exit_code"));
        AssertDetail(Ending.Failed, last);
    }

    [Fact]
    public async Task I_can_cancel_a_running_step_and_see_it_failed_as_cancelled_and_cancelling_again_is_harmless()
    {
        var runner = Runner();
        var handle = await RunnerSteps.SubmitAsync(runner, "sleep", "300");
        await WaitAsync(runner, [handle], r => r.Status == JobStatus.Running);

        await runner.CancelAsync(handle);
        var last = await WaitFinishedAsync(runner, handle);
        await runner.CancelAsync(handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        AssertDetail(Ending.Cancelled, last);
    }

    [Fact]
    public async Task A_step_over_its_time_limit_is_failed_as_out_of_time_with_twice_its_limit_as_advice()
    {
        var limit = Dialect.TimeLimit;
        var runner = Runner(s => s with { Time = limit.Option });
        var handle = await RunnerSteps.SubmitAsync(runner, "sleep", "600");

        // The scheduler may take a while past the limit to act (Slurm up to a minute): the limit is added to the patience.
        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience + TimeSpan.FromSeconds(2 * limit.Seconds), PollInterval))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        AssertDetail(Ending.TimedOut, last);
        Assert.StartsWith(limit.Reason, Text(last, "reason"), StringComparison.Ordinal);
        Assert.Equal(new JsonObject { ["time"] = limit.Retry }.ToJsonString(), last.Detail["retry"]!.ToJsonString());
        Assert.Equal(limit.Seconds, Number(last, "time_limit_seconds"));
        Assert.True(Number(last, "elapsed_seconds") >= limit.Seconds, RunnerSteps.Describe(last));
    }

    [Fact]
    public async Task Arguments_with_spaces_quotes_dollars_backticks_semicolons_globs_and_non_ASCII_reach_the_job_exactly()
    {
        // One batch of random argument lists, submitted together and compared once all have run; then the scheduler's own
        // directive markers and variables, which must not be read either.
        var lists = SlurmScriptSpecs.ArgvLists().SampleSeeded(25)
            .Prepend(["a b", "it's", "say \"hi\"", "$HOME", "${PATH}", "`id`", "$(id)", "x;y", "*", "?", "~", "-n", "", "é 漢字 😀", "100%", "a\\b", "#c"])
            .Prepend(["#SBATCH --time=1", "#$ -N x", "$JOB_ID", "$SLURM_JOB_ID", "%j"])
            .ToList();
        var runner = Runner();
        var files = lists.Select(_ => Path.Combine(Directory, $"argv-{Guid.NewGuid():N}")).ToList();

        var handles = await Task.WhenAll(lists.Select((args, i) => RunnerSteps.SubmitAsync(runner, ["argv", files[i], .. args])));
        var results = await RunnerSteps.WaitFinishedAsync(runner, handles, Patience, PollInterval);

        Assert.All(results, r => Assert.Equal(JobStatus.Successful, r.Status));
        for (var i = 0; i < lists.Count; i++)
        {
            var received = (await File.ReadAllTextAsync(files[i], Encoding.UTF8)).Split('\0');
            Assert.Equal(lists[i], received);
        }
    }

    [Fact]
    public async Task The_status_of_many_jobs_in_one_batch_costs_a_fixed_few_calls_and_matches_their_one_by_one_answers()
    {
        var tools = new RecordingProcessRunner(Settings.Tools);
        var runner = Runner(s => s with { Tools = tools });
        var handles = (await Task.WhenAll(Enumerable.Range(0, ManyJobs).Select(i =>
                RunnerSteps.SubmitAsync(runner, "exit", (i % 4).ToString(CultureInfo.InvariantCulture)))))
            .ToList();
        var live = await RunnerSteps.SubmitAsync(runner, "sleep", "300");
        var forgotten = new JobHandle("999999", runner.Backend, DateTimeOffset.UtcNow.AddHours(-1));
        await RunnerSteps.WaitFinishedAsync(runner, handles, Patience, PollInterval);
        await WaitAsync(runner, [live], r => r.Status == JobStatus.Running);
        List<JobHandle> all = [.. handles, live, forgotten];

        tools.Calls.Clear();
        var batch = await runner.StatusManyAsync(all);
        var batchCalls = tools.Calls.Select(c => c[0]).ToList();
        var single = new List<JobStatusResult>();
        foreach (var handle in all)
        {
            single.Add(await runner.StatusAsync(handle));
        }

        await runner.CancelAsync(live);
        Assert.Equal(Dialect.BatchedStatusCalls, batchCalls);
        Assert.Equal(single.Select(r => r.Status), batch.Select(r => r.Status));
        for (var i = 0; i < handles.Count; i++)
        {
            Assert.Equal(i % 4 == 0 ? JobStatus.Successful : JobStatus.Failed, batch[i].Status);
            Assert.Equal((i % 4).ToString(CultureInfo.InvariantCulture), Text(batch[i], "exit_code"));
            Assert.True(JsonNode.DeepEquals(AsJson(batch[i]), AsJson(single[i])), $"{RunnerSteps.Describe(batch[i])} vs {RunnerSteps.Describe(single[i])}");
        }

        Assert.Equal(JobStatus.Running, batch[^2].Status);
        AssertDetail(Ending.Running, batch[^2]);
        Assert.Equal(JobStatus.FinishedUnknown, batch[^1].Status);
        Assert.True(JsonNode.DeepEquals(AsJson(batch[^1]), AsJson(single[^1])));
    }

    [Fact]
    public async Task A_submission_the_scheduler_refuses_is_an_error_carrying_its_own_message()
    {
        var runner = Runner(s => s with { Queue = "nope" });

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Contains(Dialect.Refusal, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_jobs_output_and_errors_go_to_the_log_file_its_handle_names()
    {
        var runner = Runner();
        var handle = await RunnerSteps.SubmitAsync(runner, "echo", "hello", "from the scheduler");

        await WaitFinishedAsync(runner, handle);

        var log = Assert.Single(runner.GetLogFiles(handle));
        Assert.Equal(Dialect.LogFile(Directory, handle), log);
        var text = await File.ReadAllTextAsync(log);
        Assert.Contains("hello from the scheduler", text, StringComparison.Ordinal);
        Assert.Contains("err", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_twenty_task_sweep_with_a_cap_gives_the_exact_failed_indices_and_exit_codes_and_never_runs_more_than_the_cap()
    {
        var runner = Runner();
        var (handle, marks) = await SubmitSweepAsync(runner, 20, failing: [2, 7, 12, 19], seconds: 0.5, maxParallel: 3);

        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal([2, 7, 12, 19], last.Sweep!.FailedIndices);
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => (int?)(i is 2 or 7 or 12 or 19 ? 10 + i : 0)),
            last.Sweep.Tasks.Select(t => t.ExitCode));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => Dialect.TaskId(handle, i)), last.Sweep.Tasks.Select(t => t.BackendId));
        Assert.Equal(new SweepCounts(20, 16, 4, 0, 0, 0), last.Sweep.Counts());
        var spans = Enumerable.Range(0, 20).Select(i => (Start: Mark(marks, i, "start"), End: Mark(marks, i, "end"))).ToList();
        Assert.InRange(spans.Max(s => spans.Count(o => o.Start <= s.Start && s.Start < o.End)), 1, 3);

        var one = await runner.TaskStatusAsync(handle, 7);
        Assert.Equal(JobStatus.Failed, one.Status);
        Assert.Equal("17", Text(one, "exit_code"));
        Assert.Equal(Dialect.TaskId(handle, 7), Text(one, "job_id"));
        AssertDetail(Ending.Failed, one);
    }

    [Fact]
    public async Task Cancelling_one_task_leaves_the_others_to_finish()
    {
        var runner = Runner();
        var (handle, _) = await SubmitSweepAsync(runner, 4, failing: [], seconds: LongEnoughSeconds, waitingForCancel: [1]);
        await WaitAsync(runner, [handle], r => r.Sweep!.Tasks[1].Status == JobStatus.Running);

        await runner.CancelTaskAsync(handle, 1);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal([JobStatus.Successful, JobStatus.Failed, JobStatus.Successful, JobStatus.Successful], last.Sweep!.Tasks.Select(t => t.Status));
        AssertDetail(Ending.Cancelled, last.Sweep.Tasks[1].Detail);
        Assert.Equal([1], last.Sweep.FailedIndices);
    }

    [Fact]
    public async Task A_packed_sweep_runs_three_tasks_to_an_array_task_one_after_another_each_with_its_own_index_exit_code_and_log()
    {
        var runner = Runner();
        var (handle, marks) = await SubmitSweepAsync(runner, 7, failing: [1, 5], seconds: 0.3, maxParallel: 2, tasksPerJob: 3);

        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal([1, 5], last.Sweep!.FailedIndices);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (int?)(i is 1 or 5 ? 10 + i : 0)), last.Sweep.Tasks.Select(t => t.ExitCode));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => Dialect.TaskId(handle, i / 3)), last.Sweep.Tasks.Select(t => t.BackendId));
        var spans = Enumerable.Range(0, 7).Select(i => (Start: Mark(marks, i, "start"), End: Mark(marks, i, "end"))).ToList();
        for (var i = 0; i < 7; i++)
        {
            if (i % 3 != 0)
            {
                Assert.True(spans[i].Start >= spans[i - 1].End, $"task {i} started before task {i - 1} of its array task ended");
            }

            var log = Assert.Single(runner.GetTaskLogFiles(handle, i));
            Assert.Equal($"task {i} of 7\n", await File.ReadAllTextAsync(log));
        }

        // Three array tasks, at most two at once: the packs' spans overlap two at a time at most.
        var packs = Enumerable.Range(0, 3).Select(p => (Start: spans[p * 3].Start, End: spans[Math.Min(6, (p * 3) + 2)].End)).ToList();
        Assert.InRange(packs.Max(s => packs.Count(o => o.Start <= s.Start && s.Start < o.End)), 1, 2);
        var one = await runner.TaskStatusAsync(handle, 5);
        Assert.Equal("15", Text(one, "exit_code"));
        Assert.Equal(Dialect.TaskId(handle, 1), Text(one, "job_id"));
    }

    [Fact]
    public async Task Cancelling_a_running_packed_task_and_one_waiting_its_turn_leaves_the_other_array_task_to_finish()
    {
        var runner = Runner();
        var (handle, _) = await SubmitSweepAsync(runner, 4, failing: [], seconds: 0.5, tasksPerJob: 2, waitingForCancel: [0]);
        await WaitAsync(runner, [handle], r => r.Sweep!.Tasks[0].Status == JobStatus.Running);

        await runner.CancelTaskAsync(handle, 1);
        await runner.CancelTaskAsync(handle, 0);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal([JobStatus.Failed, JobStatus.Failed, JobStatus.Successful, JobStatus.Successful], last.Sweep!.Tasks.Select(t => t.Status));
        Assert.Equal("143", Text(last.Sweep.Tasks[0].Detail, "exit_code"));
        Assert.Contains("cancelled", Text(last.Sweep.Tasks[0].Detail, "reason"), StringComparison.Ordinal);
        Assert.Contains("before it started", Text(last.Sweep.Tasks[1].Detail, "reason"), StringComparison.Ordinal);
        Assert.Equal([0, 1], last.Sweep.FailedIndices);
    }

    [Fact]
    public async Task Cancelling_a_packed_sweep_ends_every_task_running_or_waiting_its_turn()
    {
        var runner = Runner();
        var (handle, _) = await SubmitSweepAsync(runner, 6, failing: [], seconds: 300, maxParallel: 1, tasksPerJob: 3);
        await WaitAsync(runner, [handle], r => r.Sweep!.Tasks[0].Status == JobStatus.Running);

        await runner.CancelAsync(handle);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.All(last.Sweep!.Tasks, t => Assert.True(t.Status is JobStatus.Failed or JobStatus.FinishedUnknown, $"task {t.Index}: {t.Status}"));
        Assert.False(await Dialect.HoldsAsync(Settings.Tools, handle), $"the scheduler still holds a task of {handle.JobId}");
    }

    [Fact]
    public async Task Retrying_the_failed_tasks_of_a_packed_sweep_packs_only_them_with_their_first_indices()
    {
        var runner = Runner();
        var (handle, marks) = await SubmitSweepAsync(runner, 7, failing: [0, 4, 6], seconds: 0, tasksPerJob: 3);
        await WaitSweepAsync(runner, handle);

        var retry = await runner.RetryRequestAsync(handle, failedTasksOnly: true);
        var again = await SubmitAsync(runner, retry);
        var last = await WaitSweepAsync(runner, again);

        Assert.Equal(3, retry.TasksPerJob);
        Assert.Equal([0, 4, 6], last.Sweep!.Tasks.Select(t => t.Index));
        Assert.Equal([Dialect.TaskId(again, 0), Dialect.TaskId(again, 0), Dialect.TaskId(again, 0)], last.Sweep.Tasks.Select(t => t.BackendId));
        Assert.Equal([10, 14, 16], last.Sweep.Tasks.Select(t => t.ExitCode));
        Assert.Equal(["task 0 of 7\n", "task 4 of 7\n", "task 6 of 7\n"], await Task.WhenAll(new[] { 0, 4, 6 }.Select(i => File.ReadAllTextAsync(Assert.Single(runner.GetTaskLogFiles(again, i))))));
        Assert.True(File.Exists(Path.Combine(marks, "6.end")));
    }

    [Fact]
    public async Task Cancelling_the_sweep_ends_every_task_running_or_pending()
    {
        var runner = Runner();
        var (handle, _) = await SubmitSweepAsync(runner, 6, failing: [], seconds: 300, maxParallel: 2);
        await WaitAsync(runner, [handle], r => r.Sweep!.Count(JobStatus.Running) == 2);

        await runner.CancelAsync(handle);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.DoesNotContain(last.Sweep!.Tasks, t => t.Status == JobStatus.Successful);
        Assert.False(await Dialect.HoldsAsync(Settings.Tools, handle), $"the scheduler still holds a task of {handle.JobId}");
    }

    [Fact]
    public async Task Each_task_writes_its_own_log_named_by_the_scheduler()
    {
        var runner = Runner();
        var (handle, _) = await SubmitSweepAsync(runner, 3, failing: [], seconds: 0);

        await WaitSweepAsync(runner, handle);

        for (var i = 0; i < 3; i++)
        {
            var log = Assert.Single(runner.GetTaskLogFiles(handle, i));
            Assert.Equal(Dialect.LogFile(Directory, handle, i), log);
            Assert.Equal($"task {i} of 3\n", await File.ReadAllTextAsync(log));
        }

        Assert.Equal(3, runner.GetLogFiles(handle).Count);
    }

    [Fact]
    public async Task A_dry_run_writes_the_script_and_the_task_table_and_submits_nothing()
    {
        var tools = new RecordingProcessRunner(Settings.Tools);
        var runner = Runner(s => s with { Tools = tools });

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(3, "/nonexistent", [], 0), maxParallel: 2) with { DryRun = true }));

        Assert.DoesNotContain(tools.Calls, c => c[0] == Dialect.SubmitTool);
        var script = dry.Details["script"];
        Assert.Contains("flepimop2_task_argv \"$flepimop2_table\" \"$flepimop2_task\"", await File.ReadAllTextAsync(script), StringComparison.Ordinal);
        Assert.Contains(Dialect.DryRunCommand(script), dry.Command, StringComparison.Ordinal);
        Assert.Equal("3", dry.Details["tasks"]);
        Assert.Equal("2", dry.Details["max_parallel"]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([Settings.Executable, "process", "task", "/nonexistent", string.Empty, "0"], TaskTable.Read(dry.Details["task_table"], i));
        }
    }

    [Fact]
    public async Task A_sweep_then_a_step_then_a_report_run_unattended_in_order()
    {
        var runner = Runner();
        var marks = Marks();
        var sweep = await SubmitAsync(runner, JobRequest.Sweep([.. Enumerable.Range(0, 3).Select(_ => (CliCommand)new DummyCommand("task", marks, string.Empty, "2"))]));
        var process = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "process"), "x")) { After = [new(sweep, DependencyCondition.Succeeded)] });
        var report = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "report"), "y")) { After = [new(process, DependencyCondition.Ended)] });

        var waiting = await runner.StatusAsync(report);
        var last = await RunnerSteps.WaitFinishedAsync(runner, [sweep, process, report], Patience, PollInterval);

        Assert.Equal(JobStatus.Pending, waiting.Status);
        Assert.Equal([JobStatus.Successful, JobStatus.Successful, JobStatus.Successful], last.Select(r => r.Status));
        var sweepEnd = Enumerable.Range(0, 3).Max(i => File.GetLastWriteTimeUtc(Path.Combine(marks, $"{i}.end")));
        Assert.True(File.GetLastWriteTimeUtc(Path.Combine(marks, "process")) >= sweepEnd, "the step ran before the sweep ended");
        Assert.True(File.GetLastWriteTimeUtc(Path.Combine(marks, "report")) >= File.GetLastWriteTimeUtc(Path.Combine(marks, "process")), "the report ran before the step");
    }

    [Fact]
    public async Task A_failing_first_step_ends_the_rest_failed_with_the_reason_and_they_never_run()
    {
        var runner = Runner();
        var marks = Marks();
        var first = await SubmitAsync(runner, new JobRequest(new DummyCommand("exit", "4")));
        var second = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "second"))) { After = [new(first, DependencyCondition.Succeeded)] });
        var third = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "third"))) { After = [new(second, DependencyCondition.Succeeded)] });

        var last = await RunnerSteps.WaitFinishedAsync(runner, [first, second, third], Patience, PollInterval);

        Assert.Equal([JobStatus.Failed, JobStatus.Failed, JobStatus.Failed], last.Select(r => r.Status));
        Assert.Equal($"dependency {first.Key} failed (it did not run)", Text(last[1], "reason"));
        Assert.Equal($"dependency {second.Key} failed (it did not run)", Text(last[2], "reason"));
        Assert.False(File.Exists(Path.Combine(marks, "second")), "the second step ran");
        Assert.False(File.Exists(Path.Combine(marks, "third")), "the third step ran");
    }

    [Fact]
    public async Task A_job_waiting_for_a_running_one_is_pending_and_says_for_which()
    {
        var runner = Runner();
        var first = await SubmitAsync(runner, new JobRequest(new DummyCommand("sleep", "300")));
        var second = await SubmitAsync(runner, new JobRequest(new DummyCommand("exit", "0")) { After = [new(first, DependencyCondition.Ended)] });

        var waiting = (await WaitAsync(runner, [second], r => Text(r, "reason")?.StartsWith("waiting", StringComparison.Ordinal) == true))[0];
        await runner.CancelAsync(first);
        var last = await WaitFinishedAsync(runner, second);

        Assert.Equal(JobStatus.Pending, waiting.Status);
        Assert.Equal($"waiting for {first.Key}", Text(waiting, "reason"));
        Assert.Equal(JobStatus.Successful, last.Status);
    }

    [Fact]
    public async Task A_cancelled_pending_task_is_never_running_and_the_cap_still_holds()
    {
        var runner = Runner();
        var (handle, marks) = await SubmitSweepAsync(runner, 3, failing: [], seconds: LongEnoughSeconds, maxParallel: 1);
        await WaitAsync(runner, [handle], r => r.Sweep!.Tasks[0].Status == JobStatus.Running);

        await runner.CancelTaskAsync(handle, 2);
        var cancelled = await runner.TaskStatusAsync(handle, 2);
        var seen = new List<JobStatusResult>();
        for (var look = 0; look < 6; look++)
        {
            seen.Add(await runner.StatusAsync(handle));
            await Task.Delay(PollInterval);
        }

        await runner.CancelAsync(handle);
        var last = await WaitSweepAsync(runner, handle);

        Assert.NotEqual(JobStatus.Running, cancelled.Status);
        Assert.All(seen, r => Assert.NotEqual(JobStatus.Running, r.Sweep!.Tasks[2].Status));
        Assert.All(seen, r => Assert.InRange(r.Sweep!.Tasks.Count(t => t.Status == JobStatus.Running), 0, 1));
        Assert.NotEqual(JobStatus.Successful, last.Sweep!.Tasks[2].Status);
        Assert.False(File.Exists(Path.Combine(marks, "2.start")), "the cancelled task ran");
    }

    [Fact]
    public async Task A_sweep_recorded_before_release_starts_no_task_until_its_record_is_written()
    {
        var runner = Runner();
        var marks = Marks();
        JobStatusResult? whileRecording = null;
        var request = JobRequest.Sweep(Tasks(3, marks, [], 0.2)) with
        {
            BeforeRelease = async (held, token) =>
            {
                // Long enough for a released task to have started and left its mark.
                await Task.Delay(TimeSpan.FromSeconds(3), token);
                whileRecording = await runner.StatusAsync(held, token);
                Assert.Empty(System.IO.Directory.EnumerateFiles(marks));
            },
        };

        var handle = await SubmitAsync(runner, request);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Pending, whileRecording!.Status);
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal(3, System.IO.Directory.EnumerateFiles(marks, "*.end").Count());
    }

    [Fact]
    public async Task A_job_whose_record_fails_is_withdrawn_and_never_runs()
    {
        var runner = Runner();
        var marks = Marks();
        JobHandle? held = null;
        var request = JobRequest.Sweep(Tasks(2, marks, [], 0.2)) with
        {
            BeforeRelease = (handle, _) =>
            {
                held = handle;
                throw new IOException("No space left on device");
            },
        };

        var refused = await Assert.ThrowsAsync<Flepimop2Exception>(() => runner.SubmitAsync(request));
        // Long enough for a released task to have started and left its mark. (A job deleted before it started may read
        // pending for a while where the scheduler keeps no record of it: Grid Engine.)
        await Task.Delay(TimeSpan.FromSeconds(3));
        var last = await runner.StatusAsync(held!);

        Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);
        Assert.Contains("withdrawn, so it never ran", refused.Message, StringComparison.Ordinal);
        Assert.False(last.Status is JobStatus.Running or JobStatus.Successful, RunnerSteps.Describe(last));
        Assert.All(last.Sweep!.Tasks, t => Assert.NotEqual(JobStatus.Running, t.Status));
        Assert.Empty(System.IO.Directory.EnumerateFiles(marks));
    }

    private static string? Text(JobStatusResult result, string key) => JsonText.Display(result.Detail.GetValueOrDefault(key));

    private static string? Text(IReadOnlyDictionary<string, JsonNode?> detail, string key) => JsonText.Display(detail.GetValueOrDefault(key));

    private static long Number(JobStatusResult result, string key) =>
        JsonText.Int64(result.Detail.GetValueOrDefault(key)) ?? throw new Xunit.Sdk.XunitException($"no {key}: {RunnerSteps.Describe(result)}");

    private static JsonObject AsJson(JobStatusResult result) =>
        new(result.Detail.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())).Append(KeyValuePair.Create("status", (JsonNode?)result.Status.ToWireName())));

    private static double Mark(string marks, int task, string what) =>
        double.Parse(File.ReadAllText(Path.Combine(marks, $"{task}.{what}")), CultureInfo.InvariantCulture);

    private static List<CliCommand> Tasks(int count, string marks, int[] failing, double seconds, int[]? waitingForCancel = null) =>
        [.. Enumerable.Range(0, count).Select(_ => (CliCommand)new DummyCommand(
            ["task", marks, string.Join(',', failing), seconds.ToString(CultureInfo.InvariantCulture), .. waitingForCancel is null ? Array.Empty<string>() : [string.Join(',', waitingForCancel)]]))];

    private static async Task<JobHandle> SubmitAsync(JobRunner runner, JobRequest request) =>
        Assert.IsType<JobHandle>(await runner.SubmitAsync(request));

    private JobRunner Runner(Func<RunnerSettings, RunnerSettings>? change = null) =>
        Dialect.Create(change is null ? Settings : change(Settings));

    private void AssertDetail(Ending ending, JobStatusResult result) => AssertDetail(ending, result.Detail);

    private void AssertDetail(Ending ending, IReadOnlyDictionary<string, JsonNode?> detail)
    {
        foreach (var (key, value) in Dialect.Detail(ending))
        {
            Assert.True(JsonText.Display(detail.GetValueOrDefault(key)) == value, $"{ending}: {key} should be {value} in {string.Join(' ', detail.Select(kv => $"{kv.Key}={JsonText.Display(kv.Value)}"))}");
        }
    }

    private string Marks() =>
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, $"marks-{Guid.NewGuid():N}")).FullName;

    private async Task<(JobHandle Handle, string Marks)> SubmitSweepAsync(JobRunner runner, int count, int[] failing, double seconds, int? maxParallel = null, int[]? waitingForCancel = null, int? tasksPerJob = null)
    {
        var marks = Marks();
        var handle = await SubmitAsync(runner, JobRequest.Sweep(Tasks(count, marks, failing, seconds, waitingForCancel), maxParallel) with { TasksPerJob = tasksPerJob });
        Assert.Equal(count, handle.SweepSize);
        return (handle, marks);
    }

    private async Task<IReadOnlyList<JobStatusResult>> WaitAsync(JobRunner runner, IReadOnlyList<JobHandle> handles, Func<JobStatusResult, bool> done) =>
        await RunnerSteps.WaitAsync(runner, handles, done, Patience, PollInterval);

    private async Task<JobStatusResult> WaitFinishedAsync(JobRunner runner, JobHandle handle) =>
        (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience, PollInterval))[0];

    private async Task<JobStatusResult> WaitSweepAsync(JobRunner runner, JobHandle handle) =>
        (await WaitAsync(runner, [handle], r => r.Status.IsFinished() && r.Sweep!.Tasks.All(t => t.Status.IsFinished())))[0];
}
