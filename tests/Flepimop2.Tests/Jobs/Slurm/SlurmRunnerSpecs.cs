using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>The runner's use of the Slurm tools, against a fake process layer and a fake clock (no cluster needed).</summary>
public sealed class SlurmRunnerSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 26, 20, 56, 24, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Submitting_writes_the_script_runs_sbatch_parsable_and_records_where_the_output_goes()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok("4242\n"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Equal("4242", handle.JobId);
        Assert.Equal("slurm", handle.Backend);
        Assert.Equal(Start, handle.SubmittedAt);
        var script = handle.MetadataText("script")!;
        Assert.StartsWith(_temp.Combine("scripts") + "/", script, StringComparison.Ordinal);
        Assert.StartsWith("#!/bin/bash\n#SBATCH ", await File.ReadAllTextAsync(script), StringComparison.Ordinal);
        Assert.Equal(["sbatch", "--parsable", script], Assert.Single(slurm.Calls));
        Assert.Equal(_temp.Combine("slurm-4242.out"), handle.MetadataText("output"));
        Assert.Equal("flepimop2:process:none:default", handle.MetadataText("job_name"));
        Assert.Null(handle.MetadataText("cluster"));
        Assert.Equal([_temp.Combine("slurm-4242.out")], runner.GetLogFiles(handle));
    }

    [Fact]
    public async Task The_cluster_sbatch_names_is_kept_and_used_for_status_and_cancel()
    {
        var slurm = new CannedTools(argv => argv[0] == "sbatch" ? CannedTools.Ok("17;c1\n") : CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand("exit", "0")));
        await runner.StatusAsync(handle);
        await runner.CancelAsync(handle);

        Assert.Equal("c1", handle.MetadataText("cluster"));
        Assert.All(slurm.Calls.Skip(1), call => Assert.Equal(["-M", "c1"], call.Skip(1).Take(2)));
        Assert.Equal(["scancel", "-M", "c1", "17"], slurm.CallsOf("scancel").Single());
    }

    [Fact]
    public async Task An_sbatch_failure_is_an_error_carrying_sbatchs_own_message()
    {
        var slurm = new CannedTools(_ => CannedTools.Error(1, "sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Contains("sbatch: error: invalid partition specified: nope", error.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid partition name specified", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.ExitCode);
        Assert.StartsWith("sbatch --parsable ", error.Command, StringComparison.Ordinal);
        Assert.Single(slurm.Calls);
    }

    [Fact]
    public async Task Transient_controller_errors_are_retried_with_growing_waits_on_the_clock()
    {
        var seenAt = new List<DateTimeOffset>();
        var slurm = new CannedTools(_ =>
        {
            seenAt.Add(_clock.GetUtcNow());
            return seenAt.Count < 3
                ? CannedTools.Error(1, "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation")
                : CannedTools.Ok("77\n");
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var submission = runner.SubmitAsync(new DummyCommand("exit", "0"));
        await AdvanceUntilDone(submission);

        Assert.Equal("77", Assert.IsType<JobHandle>(await submission).JobId);
        Assert.Equal(3, seenAt.Count);
        Assert.True(seenAt[1] - seenAt[0] >= TimeSpan.FromSeconds(1));
        Assert.True(seenAt[2] - seenAt[1] >= TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("slurm_load_jobs error: Unable to contact slurm controller (connect failure)")]
    [InlineData("sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying")]
    [InlineData("error: Resource temporarily unavailable")]
    public async Task A_transient_error_that_persists_fails_after_three_retries(string stderr)
    {
        var slurm = new CannedTools(_ => CannedTools.Error(1, stderr));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var submission = runner.SubmitAsync(new DummyCommand("exit", "0"));
        await AdvanceUntilDone(submission);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => submission);
        Assert.Contains(stderr, error.Message, StringComparison.Ordinal);
        Assert.Equal(4, slurm.Calls.Count);
    }

    [Fact]
    public async Task A_permanent_error_is_not_retried()
    {
        var slurm = new CannedTools(_ => CannedTools.Error(255, "sbatch: error: Invalid --mem specification"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Single(slurm.Calls);
    }

    [Fact]
    public async Task A_dry_run_writes_the_script_and_describes_the_sbatch_call_without_making_it()
    {
        var slurm = new CannedTools(_ => throw new InvalidOperationException("no tool may run in a dry run"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var dryRun = Assert.IsType<JobDryRun>(await runner.SubmitAsync(new DummyCommand("exit", "0"), dryRun: true));

        var script = dryRun.Details["script"];
        Assert.True(File.Exists(script));
        Assert.Equal($"sbatch --parsable {script}", dryRun.Command);
        Assert.Equal(_temp.Path, dryRun.Details["chdir"]);
        Assert.Equal("flepimop2:process:none:default", dryRun.Details["job_name"]);
        Assert.Empty(slurm.Calls);
    }

    [Theory]
    [InlineData("flepimop2", "flepimop2 process exit 0\n")]
    [InlineData("bin/flepimop2", "{0}/bin/flepimop2 process exit 0\n")]
    public async Task A_bare_executable_is_left_for_the_compute_nodes_path_and_a_relative_path_is_made_absolute(string executable, string expectedLine)
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options() with { Executable = executable }, _clock);

        var dryRun = Assert.IsType<JobDryRun>(await runner.SubmitAsync(new DummyCommand("exit", "0"), dryRun: true));

        var text = await File.ReadAllTextAsync(dryRun.Details["script"]);
        Assert.Contains("\nflepimop2_recorded " + string.Format(CultureInfo.InvariantCulture, expectedLine, Environment.CurrentDirectory), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_executable_the_job_runs_the_program_that_submitted_it()
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options() with { Executable = null }, _clock);

        var dryRun = Assert.IsType<JobDryRun>(await runner.SubmitAsync(new DummyCommand("exit", "0"), dryRun: true));

        var text = await File.ReadAllTextAsync(dryRun.Details["script"]);
        Assert.Contains(Flepimop2.Internal.ShellQuote.Quote(Environment.ProcessPath!), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_script_directory_each_script_goes_to_a_fresh_temporary_directory()
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options() with { ScriptDirectory = null }, _clock);

        var first = Assert.IsType<JobDryRun>(await runner.SubmitAsync(new DummyCommand("exit", "0"), dryRun: true)).Details["script"];
        var second = Assert.IsType<JobDryRun>(await runner.SubmitAsync(new DummyCommand("exit", "0"), dryRun: true)).Details["script"];

        Assert.NotEqual(Path.GetDirectoryName(first), Path.GetDirectoryName(second));
        Assert.StartsWith(Path.GetTempPath(), first, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(first)!, recursive: true);
        Directory.Delete(Path.GetDirectoryName(second)!, recursive: true);
    }

    [Fact]
    public async Task Status_of_many_jobs_costs_one_squeue_and_one_sacct_call()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("1|RUNNING|None|vm|0\n4|PENDING|Resources||0\n"),
            "sacct" => CannedTools.Ok(
                "1|1|RUNNING|0:0|00:00:07|vm||50M|00:00:00|1|00:05:00\n" +
                "1.batch|1.batch|RUNNING|0:0|00:00:07|vm|||00:00:00|1|\n" +
                "2|2|COMPLETED|0:0|00:00:03|vm||50M|00:00.024|1|00:05:00\n" +
                "2.batch|2.batch|COMPLETED|0:0|00:00:03|vm|27792K||00:00.024|1|\n" +
                "3|3|FAILED|7:0|00:00:01|vm||50M|00:00.002|1|00:05:00\n" +
                "3.batch|3.batch|FAILED|7:0|00:00:01|vm|||00:00.002|1|\n" +
                "5|5|CANCELLED by 0|0:15|00:00:02|vm||50M|00:00.001|1|00:05:00\n" +
                "5.batch|5.batch|CANCELLED|0:15|00:00:02|vm|3188K||00:00.001|1|\n" +
                "4|4|PENDING|0:0|00:00:00|None assigned||50M|00:00:00|1|00:05:00\n"),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var results = await runner.StatusManyAsync([Handle("1"), Handle("2"), Handle("3"), Handle("4"), Handle("5")]);

        Assert.Equal([JobStatus.Running, JobStatus.Successful, JobStatus.Failed, JobStatus.Pending, JobStatus.Failed], results.Select(r => r.Status));
        Assert.Equal("1,2,3,4,5", CannedTools.ValueAfter(Assert.Single(slurm.CallsOf("squeue")), "-j"));
        Assert.Equal("1,2,3,4,5", CannedTools.ValueAfter(Assert.Single(slurm.CallsOf("sacct")), "-j"));
        (string, string)[] given = [("time_limit", "00:05:00"), ("time_limit_seconds", "300"), ("alloc_cpus", "1"), ("req_mem_bytes", "52428800")];
        Assert.Equal(Detail([("state", "RUNNING"), ("nodes", "vm"), ("elapsed", "00:00:07"), ("elapsed_seconds", "7"), .. given, ("source", "squeue")]), Text(results[0]));
        Assert.Equal(
            Detail([
                ("state", "COMPLETED"), ("exit_code", "0"), ("elapsed", "00:00:03"), ("elapsed_seconds", "3"), .. given, ("max_rss_bytes", "28459008"),
                ("mem_efficiency", "0.5428"), ("cpu_efficiency", "0.008"), ("nodes", "vm"), ("source", "sacct")]),
            Text(results[1]));
        Assert.Equal("7", Text(results[2])["exit_code"]);
        Assert.False(Text(results[2]).ContainsKey("max_rss_bytes"));
        Assert.Equal("0.002", Text(results[2])["cpu_efficiency"]);
        Assert.Equal(Detail([("state", "PENDING"), ("reason", "Resources"), ("elapsed", "00:00:00"), ("elapsed_seconds", "0"), .. given, ("source", "squeue")]), Text(results[3]));
        Assert.Equal(
            Detail([
                ("state", "CANCELLED"), ("exit_code", "0"), ("signal", "15"), ("elapsed", "00:00:02"), ("elapsed_seconds", "2"), .. given, ("max_rss_bytes", "3264512"),
                ("mem_efficiency", "0.0623"), ("cpu_efficiency", "0.0005"), ("nodes", "vm"), ("cancelled_by", "0"), ("source", "sacct")]),
            Text(results[4]));
    }

    [Fact]
    public async Task More_jobs_than_a_chunk_are_asked_in_chunks_not_one_by_one()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handles = Enumerable.Range(1, 1200).Select(i => Handle(i.ToString(CultureInfo.InvariantCulture))).ToList();

        var results = await runner.StatusManyAsync(handles);

        Assert.Equal(1200, results.Count);
        Assert.Equal([500, 500, 200], slurm.CallsOf("squeue").Select(c => CannedTools.ValueAfter(c, "-j").Split(',').Length));
        Assert.Equal(3, slurm.CallsOf("sacct").Count);
        Assert.Equal(handles.Select(h => h.JobId), results.Select(r => r.JobId));
    }

    [Fact]
    public async Task Jobs_on_different_clusters_are_asked_per_cluster()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await runner.StatusManyAsync([Handle("1", "a"), Handle("2", "b"), Handle("3", "a"), Handle("4")]);

        Assert.Equal(
            ["-M a -j 1,3", "-M b -j 2", "-j 4"],
            slurm.CallsOf("squeue").Select(c => string.Join(' ', c.Where((_, i) => i > 0 && (c[i - 1] is "-M" or "-j") || c[i] is "-M" or "-j"))));
    }

    [Fact]
    public async Task A_job_no_tool_knows_is_pending_just_after_submission_and_finished_unknown_after_the_grace_window()
    {
        // squeue with one id it does not hold fails with this message instead of printing nothing.
        var slurm = new CannedTools(argv => argv[0] == "squeue" ? CannedTools.Error(1, "slurm_load_jobs error: Invalid job id specified\n") : CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handle = Handle("9");

        var early = await runner.StatusAsync(handle);
        _clock.Advance(TimeSpan.FromMinutes(6));
        var late = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Pending, early.Status);
        Assert.Equal(JobStatus.FinishedUnknown, late.Status);
        Assert.Contains("neither squeue nor sacct knows job 9", Text(late)["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_squeue_lists_as_live_stays_live_whatever_accounting_last_recorded()
    {
        // A preempted job that was requeued: accounting still shows how its last run ended.
        var slurm = new CannedTools(argv => argv[0] == "squeue" ? CannedTools.Ok("8|PENDING|BeginTime|\n") : CannedTools.Ok("8|PREEMPTED|0:0|00:10:00|vm\n"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        Assert.Equal(JobStatus.Pending, (await runner.StatusAsync(Handle("8"))).Status);
    }

    [Fact]
    public async Task A_completing_job_takes_its_end_from_accounting()
    {
        var slurm = new CannedTools(argv => argv[0] == "squeue" ? CannedTools.Ok("8|COMPLETING|None|vm\n") : CannedTools.Ok("8|8|FAILED|2:0|00:00:04|vm\n"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Handle("8"));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("2", Text(result)["exit_code"]);
    }

    [Fact]
    public async Task An_unknown_state_is_live_while_squeue_lists_the_job_and_finished_unknown_when_only_accounting_has_it()
    {
        var slurm = new CannedTools(argv => argv[0] == "squeue" ? CannedTools.Ok("1|WARPING|None|vm\n") : CannedTools.Ok("1|1|WARPING|0:0|00:00:01|vm\n2|2|VANISHED|0:0|00:00:01|vm\n"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var results = await runner.StatusManyAsync([Handle("1"), Handle("2")]);

        Assert.Equal(JobStatus.Running, results[0].Status);
        Assert.Contains("unrecognised Slurm state WARPING", Text(results[0])["note"], StringComparison.Ordinal);
        Assert.Equal(JobStatus.FinishedUnknown, results[1].Status);
        Assert.Equal("VANISHED", Text(results[1])["state"]);
    }

    [Fact]
    public async Task A_handle_whose_id_is_not_a_slurm_id_is_finished_unknown_without_breaking_the_batch()
    {
        var slurm = new CannedTools(argv => argv[0] == "sacct" ? CannedTools.Ok("1|1|COMPLETED|0:0|00:00:01|vm\n") : CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var results = await runner.StatusManyAsync([Handle("not-an-id"), Handle("1")]);

        Assert.Equal([JobStatus.FinishedUnknown, JobStatus.Successful], results.Select(r => r.Status));
        Assert.Equal("1", CannedTools.ValueAfter(slurm.CallsOf("squeue").Single(), "-j"));
    }

    [Fact]
    public async Task When_the_controller_cannot_be_reached_status_fails_instead_of_making_up_a_state()
    {
        var slurm = new CannedTools(_ => CannedTools.Error(1, "slurm_load_jobs error: Unable to contact slurm controller (connect failure)"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var query = runner.StatusManyAsync([Handle("1"), Handle("2")]);
        await AdvanceUntilDone(query);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => query);
        Assert.Contains("Unable to contact slurm controller", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_that_times_out_fails_the_status_query()
    {
        var slurm = new CannedTools(argv => throw new JobBackendException($"'{argv[0]}' did not answer within 30 s and was stopped", argv[0]));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await Assert.ThrowsAsync<JobBackendException>(() => runner.StatusAsync(Handle("1")));
    }

    [Fact]
    public async Task Without_accounting_status_comes_from_squeue_and_one_scontrol_call_and_says_so()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("2|RUNNING|None|vm\n"),
            "sacct" => CannedTools.Error(1, "sacct: error: Slurm accounting storage is disabled\n"),
            "scontrol" => CannedTools.Ok("JobId=1 JobName=x JobState=FAILED Reason=NonZeroExitCode ExitCode=4:0 RunTime=00:00:05 NodeList=vm\nJobId=2 JobName=y JobState=RUNNING Reason=None ExitCode=0:0 RunTime=00:00:01 NodeList=vm\n"),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var results = await runner.StatusManyAsync([Handle("1"), Handle("2")]);

        Assert.Equal([JobStatus.Failed, JobStatus.Running], results.Select(r => r.Status));
        Assert.Equal("4", Text(results[0])["exit_code"]);
        Assert.Equal("scontrol", Text(results[0])["source"]);
        Assert.Contains("accounting is disabled", Text(results[0])["note"], StringComparison.Ordinal);
        Assert.Single(slurm.CallsOf("scontrol"));
    }

    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "scancel: error: Kill job error on job id 5: Job/step already completing or completed")]
    [InlineData(1, "scancel: error: Kill job error on job id 5: Invalid job id specified")]
    public async Task Cancelling_a_job_that_already_ended_is_not_an_error(int exitCode, string stderr)
    {
        var slurm = new CannedTools(_ => new ProcessResult(exitCode, string.Empty, stderr));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await runner.CancelAsync(Handle("5"));

        Assert.Equal(["scancel", "5"], Assert.Single(slurm.Calls));
    }

    [Fact]
    public async Task A_cancel_scancel_refuses_is_an_error()
    {
        var slurm = new CannedTools(_ => CannedTools.Error(1, "scancel: error: Kill job error on job id 5: Access/permission denied"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelAsync(Handle("5")));

        Assert.Contains("Access/permission denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_sbatch_on_path_submitting_is_a_validation_issue_and_nothing_runs()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok("1"));
        var runner = SlurmRunners.With(slurm, Options(), _clock, findTool: _ => null);

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        var issue = Assert.Single(error.Issues);
        Assert.Equal("missing_executable", issue.Kind);
        Assert.Equal("sbatch", issue.Context!["executable"]);
        Assert.Empty(slurm.Calls);
    }

    [Fact]
    public async Task Without_squeue_sacct_or_scancel_on_path_status_is_a_validation_issue_for_each()
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options(), _clock, findTool: tool => tool == "sbatch" ? "/usr/bin/sbatch" : null);

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.StatusAsync(Handle("1")));

        Assert.Equal(["squeue", "sacct", "scancel"], error.Issues.Select(i => i.Context!["executable"]));
        Assert.All(error.Issues, i => Assert.Equal("missing_executable", i.Kind));
    }

    [Fact]
    public async Task A_missing_working_directory_is_a_validation_issue()
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok("1")), Options() with { Chdir = _temp.Combine("absent") }, _clock);

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Equal("missing_directory", Assert.Single(error.Issues).Kind);
    }

    private static Dictionary<string, string> Detail(params (string Key, string Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);

    private static Dictionary<string, string> Text(JobStatusResult result) =>
        result.Detail.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v ? v.ToString() : kv.Value?.ToJsonString() ?? "null");

    private SlurmJobOptions Options() => new()
    {
        Chdir = _temp.Path,
        ScriptDirectory = _temp.Combine("scripts"),
        Executable = "/opt/flepimop2",
    };

    private JobHandle Handle(string id, string? cluster = null) => new(id, "slurm", _clock.GetUtcNow()) { Metadata = cluster is null ? new Dictionary<string, JsonNode?>() : new Dictionary<string, JsonNode?> { ["cluster"] = cluster } };

    /// <summary>Moves the fake clock on while an operation waits on it (its back-off), until the operation ends.</summary>
    private async Task AdvanceUntilDone(Task operation)
    {
        for (var i = 0; i < 400 && !operation.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5);
        }

        Assert.True(operation.IsCompleted, "the operation did not finish as the clock moved on");
    }
}
