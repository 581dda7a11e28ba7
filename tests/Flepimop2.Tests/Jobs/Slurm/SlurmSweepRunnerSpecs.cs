using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Sweeps on the Slurm runner, submitted as job arrays, against a fake process layer and a fake clock (no scheduler needed).</summary>
public sealed class SlurmSweepRunnerSpecs : IDisposable
{
    private const string InvalidArray = "sbatch: error: Batch job submission failed: Invalid job array specification\n";
    private static readonly DateTimeOffset Start = new(2026, 5, 26, 20, 56, 24, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_sweep_larger_than_the_largest_array_is_submitted_as_arrays_each_waiting_for_the_one_before()
    {
        var slurm = Scheduler(maxArraySize: 50);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(120), maxParallel: 4)));

        var script = handle.MetadataText("script")!;
        var calls = slurm.Calls.ToList();
        Assert.Equal(4, calls.Count);
        Assert.Equal(["scontrol", "show", "config"], calls[0]);
        Assert.Equal(["sbatch", "--parsable", "--array=0-49%4", script, "0"], calls[1]);
        Assert.Equal(["sbatch", "--parsable", "--array=0-49%4", "--dependency=afterany:101", script, "50"], calls[2]);
        Assert.Equal(["sbatch", "--parsable", "--array=0-19%4", "--dependency=afterany:102", script, "100"], calls[3]);
        Assert.Equal("101", handle.JobId);
        Assert.Equal("slurm", handle.Backend);
        Assert.Equal(Start, handle.SubmittedAt);
        Assert.Equal(120, handle.SweepSize);
    }

    [Fact]
    public async Task A_packed_sweep_is_submitted_as_its_slots_cut_into_arrays_with_the_time_limit_multiplied()
    {
        var slurm = Scheduler(maxArraySize: 25);
        var runner = SlurmRunners.With(slurm, Options() with { Time = WallTime.Parse("00:10:00") }, _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(118), maxParallel: 4) with { TasksPerJob = 4 }));

        var script = handle.MetadataText("script")!;
        var calls = slurm.Calls.ToList();
        Assert.Equal(["sbatch", "--parsable", "--array=0-24%4", script, "0"], calls[1]);
        Assert.Equal(["sbatch", "--parsable", "--array=0-4%4", "--dependency=afterany:101", script, "25"], calls[2]);
        Assert.Equal(3, calls.Count);
        Assert.Equal("""[{"job_id":"101","first":0,"count":25},{"job_id":"102","first":25,"count":5}]""", handle.Metadata["arrays"]!.ToJsonString());
        Assert.Equal("""{"tasks":118,"max_parallel":4,"tasks_per_job":4}""", handle.Metadata["sweep"]!.ToJsonString());
        Assert.Equal(118, handle.SweepSize);
        var text = await File.ReadAllTextAsync(script);
        Assert.Contains("\n#SBATCH --time=0-00:40:00\n", text, StringComparison.Ordinal);
        Assert.Contains("\nflepimop2_first=$((flepimop2_task * 4))\n", text, StringComparison.Ordinal);
        Assert.Contains("\n(( flepimop2_end > 118 )) && flepimop2_end=118\n", text, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(handle.MetadataText("run_dir")!, "log")));
        Assert.True(Directory.Exists(Path.Combine(handle.MetadataText("run_dir")!, "cancel")));

        var logs = runner.GetTaskLogFiles(handle, 117);
        Assert.Equal([Path.Combine(handle.MetadataText("run_dir")!, "log", "117.log")], logs);
    }

    [Fact]
    public async Task More_tasks_per_job_than_tasks_make_one_array_task_and_one_task_per_job_changes_nothing()
    {
        var slurm = Scheduler(maxArraySize: 25);
        var runner = SlurmRunners.With(slurm, Options() with { Time = WallTime.Parse("00:10:00") }, _clock);

        var all = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(3)) with { TasksPerJob = 50 }));
        var one = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(3)) with { TasksPerJob = 1 }));

        var calls = slurm.Calls.ToList();
        Assert.Equal(["sbatch", "--parsable", "--array=0-0", all.MetadataText("script")!, "0"], calls[1]);
        Assert.Contains("\n#SBATCH --time=0-00:30:00\n", await File.ReadAllTextAsync(all.MetadataText("script")!), StringComparison.Ordinal);
        Assert.Equal("""{"tasks":3,"max_parallel":null,"tasks_per_job":3}""", all.Metadata["sweep"]!.ToJsonString());
        Assert.Equal(["sbatch", "--parsable", "--array=0-2", one.MetadataText("script")!, "0"], calls[^1]);
        Assert.Equal("""{"tasks":3,"max_parallel":null}""", one.Metadata["sweep"]!.ToJsonString());
        Assert.Contains("\n#SBATCH --time=0-00:10:00\n", await File.ReadAllTextAsync(one.MetadataText("script")!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_handle_records_the_arrays_the_sweep_the_script_and_the_task_table()
    {
        var runner = SlurmRunners.With(Scheduler(maxArraySize: 50), Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(120), maxParallel: 4)));

        var script = handle.MetadataText("script")!;
        var table = handle.MetadataText("task_table")!;
        Assert.Equal(
            ["arrays", "chdir", "job_name", "output_pattern", "run_dir", "script", "sweep", "task_table"],
            handle.Metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            """[{"job_id":"101","first":0,"count":50},{"job_id":"102","first":50,"count":50},{"job_id":"103","first":100,"count":20}]""",
            handle.Metadata["arrays"]!.ToJsonString());
        Assert.Equal("""{"tasks":120,"max_parallel":4}""", handle.Metadata["sweep"]!.ToJsonString());
        Assert.Equal(_temp.Path, handle.MetadataText("chdir"));
        Assert.Equal("flepimop2:process:none:default", handle.MetadataText("job_name"));
        Assert.Equal(_temp.Combine("slurm-%A_%a.out"), handle.MetadataText("output_pattern"));
        Assert.Equal(_temp.Combine("scripts"), Path.GetDirectoryName(handle.MetadataText("run_dir")));
        Assert.Equal(Path.Combine(handle.MetadataText("run_dir")!, "job.sh"), script);
        Assert.Equal(Path.Combine(handle.MetadataText("run_dir")!, "tasks"), table);
        Assert.Equal(120 * TaskTable.IndexLineLength, new FileInfo(TaskTable.IndexPath(table)).Length);
        Assert.Equal(["/opt/flepimop2", "process", "task", "57"], TaskTable.Read(table, 57));
        var text = await File.ReadAllTextAsync(script);
        Assert.StartsWith("#!/bin/bash\n#SBATCH ", text, StringComparison.Ordinal);
        Assert.Contains($"\nflepimop2_table={ShellQuote.Quote(table)}\n", text, StringComparison.Ordinal);
        Assert.Contains(" FLEPIMOP2_TASK_COUNT=120\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_script_directory_the_sweeps_files_go_under_the_working_directory_the_nodes_share()
    {
        var runner = SlurmRunners.With(Scheduler(maxArraySize: 50), Options() with { ScriptDirectory = null }, _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(3))));

        var run = handle.MetadataText("run_dir")!;
        Assert.Equal(_temp.Combine(".flepimop2_cache", "job", "slurm"), Path.GetDirectoryName(run));
        Assert.Equal(run, Path.GetDirectoryName(handle.MetadataText("script")));
        Assert.Equal(run, Path.GetDirectoryName(handle.MetadataText("task_table")));
        Assert.True(Directory.Exists(Path.Combine(run, "exit")), "the tasks' exit records go in the run directory");
    }

    [Fact]
    public async Task Without_a_parallel_limit_the_arrays_have_no_percent_and_wait_for_nothing()
    {
        var slurm = Scheduler(maxArraySize: 50);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(120))));

        var script = handle.MetadataText("script")!;
        Assert.Equal(
            [
                ["sbatch", "--parsable", "--array=0-49", script, "0"],
                ["sbatch", "--parsable", "--array=0-49", script, "50"],
                ["sbatch", "--parsable", "--array=0-19", script, "100"],
            ],
            slurm.CallsOf("sbatch"));
        Assert.Equal("""{"tasks":120,"max_parallel":null}""", handle.Metadata["sweep"]!.ToJsonString());
    }

    [Fact]
    public async Task The_runners_max_parallel_applies_when_the_request_gives_none_and_the_requests_wins_when_it_does()
    {
        var slurm = Scheduler(maxArraySize: 50);
        var runner = SlurmRunners.With(slurm, Options() with { MaxParallel = 3 }, _clock);

        var byRunner = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(60))));
        var byRequest = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(10), maxParallel: 7)));

        Assert.Equal(
            [
                ["sbatch", "--parsable", "--array=0-49%3", byRunner.MetadataText("script")!, "0"],
                ["sbatch", "--parsable", "--array=0-9%3", "--dependency=afterany:101", byRunner.MetadataText("script")!, "50"],
                ["sbatch", "--parsable", "--array=0-9%7", byRequest.MetadataText("script")!, "0"],
            ],
            slurm.CallsOf("sbatch"));
        Assert.Equal("""{"tasks":60,"max_parallel":3}""", byRunner.Metadata["sweep"]!.ToJsonString());
        Assert.Equal("""{"tasks":10,"max_parallel":7}""", byRequest.Metadata["sweep"]!.ToJsonString());
    }

    [Fact]
    public async Task A_users_own_dependency_is_kept_in_the_script_and_combined_with_the_wait_for_the_array_before()
    {
        var slurm = Scheduler(maxArraySize: 50);
        var options = Options() with { SbatchOptions = new Dictionary<string, string?> { ["dependency"] = "afterok:7" } };
        var runner = SlurmRunners.With(slurm, options, _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(120), maxParallel: 4)));

        var script = handle.MetadataText("script")!;
        Assert.Equal(
            [
                ["sbatch", "--parsable", "--array=0-49%4", script, "0"],
                ["sbatch", "--parsable", "--array=0-49%4", "--dependency=afterok:7,afterany:101", script, "50"],
                ["sbatch", "--parsable", "--array=0-19%4", "--dependency=afterok:7,afterany:102", script, "100"],
            ],
            slurm.CallsOf("sbatch"));
        Assert.Contains("\n#SBATCH --dependency=afterok:7\n", await File.ReadAllTextAsync(script), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_that_fits_one_array_is_one_sbatch_call()
    {
        var slurm = Scheduler(maxArraySize: null);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(1001), maxParallel: 10)));

        Assert.Equal(["sbatch", "--parsable", "--array=0-1000%10", handle.MetadataText("script")!, "0"], Assert.Single(slurm.CallsOf("sbatch")));
        Assert.Equal("""[{"job_id":"101","first":0,"count":1001}]""", handle.Metadata["arrays"]!.ToJsonString());
    }

    [Fact]
    public async Task Where_sbatch_says_it_submitted_is_recorded_for_the_sweep_and_used_to_cancel_it()
    {
        var slurm = Scheduler(maxArraySize: 50, cluster: "c1");
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(60), maxParallel: 2)));

        Assert.Equal("c1", handle.MetadataText("cluster"));
        Assert.Equal("""[{"job_id":"101","first":0,"count":50},{"job_id":"102","first":50,"count":10}]""", handle.Metadata["arrays"]!.ToJsonString());
        Assert.Equal("--dependency=afterany:101", slurm.CallsOf("sbatch")[1][3]);

        await runner.CancelAsync(handle);

        Assert.Equal(["scancel", "-M", "c1", "101", "102"], Assert.Single(slurm.CallsOf("scancel")));
    }

    [Fact]
    public async Task When_the_second_array_is_refused_the_first_is_cancelled_and_the_error_says_so()
    {
        var slurm = Scheduler(maxArraySize: 50, failSbatch: 2);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(JobRequest.Sweep(Tasks(120), maxParallel: 4)));

        var script = slurm.CallsOf("sbatch")[0][3];
        Assert.Equal(
            $"sbatch rejected the job: sbatch: error: Batch job submission failed: Invalid job array specification (script: {script}); " +
            "what was already submitted of the sweep (array 101) was cancelled, so none of it runs",
            error.Message);
        Assert.Equal($"sbatch --parsable --array=0-49%4 --dependency=afterany:101 {script} 50", error.Command);
        Assert.Equal(1, error.ExitCode);
        Assert.Equal(2, slurm.CallsOf("sbatch").Count);
        Assert.Equal(["scancel", "101"], Assert.Single(slurm.CallsOf("scancel")));
        Assert.Equal("scancel", slurm.Calls.Last()[0]);
    }

    [Fact]
    public async Task When_the_third_array_is_refused_both_arrays_before_it_are_cancelled_in_one_call()
    {
        var slurm = Scheduler(maxArraySize: 50, failSbatch: 3, cluster: "c1");
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(JobRequest.Sweep(Tasks(120))));

        var script = slurm.CallsOf("sbatch")[0][3];
        Assert.Equal(
            $"sbatch rejected the job: sbatch: error: Batch job submission failed: Invalid job array specification (script: {script}); " +
            "what was already submitted of the sweep (array 101, 102) was cancelled, so none of it runs",
            error.Message);
        Assert.Equal(["scancel", "-M", "c1", "101", "102"], Assert.Single(slurm.CallsOf("scancel")));
    }

    [Fact]
    public async Task When_the_arrays_already_submitted_cannot_be_cancelled_the_error_says_to_cancel_them()
    {
        var slurm = Scheduler(maxArraySize: 50, failSbatch: 2, scancel: CannedTools.Error(1, "scancel: error: Kill job error on job id 101: Access/permission denied\n"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(JobRequest.Sweep(Tasks(120))));

        var script = slurm.CallsOf("sbatch")[0][3];
        Assert.Equal(
            $"sbatch rejected the job: sbatch: error: Batch job submission failed: Invalid job array specification (script: {script}); " +
            "what was already submitted of the sweep (array 101) could not be cancelled (scancel failed: scancel: error: Kill job error on job id 101: Access/permission denied); cancel it with scancel",
            error.Message);
        Assert.Equal(["scancel", "101"], Assert.Single(slurm.CallsOf("scancel")));
    }

    [Fact]
    public async Task When_the_first_array_is_refused_nothing_is_cancelled()
    {
        var slurm = Scheduler(maxArraySize: 50, failSbatch: 1);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(JobRequest.Sweep(Tasks(120), maxParallel: 4)));

        var script = slurm.CallsOf("sbatch")[0][3];
        Assert.Equal($"sbatch rejected the job: sbatch: error: Batch job submission failed: Invalid job array specification (script: {script})", error.Message);
        Assert.Single(slurm.CallsOf("sbatch"));
        Assert.Empty(slurm.CallsOf("scancel"));
    }

    [Fact]
    public async Task A_submission_interrupted_after_the_first_array_cancels_it_and_says_so()
    {
        using var interrupt = new CancellationTokenSource();
        var sbatchCalls = 0;
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "scontrol" => CannedTools.Ok(Config(50)),
            "sbatch" when ++sbatchCalls == 1 => CannedTools.Ok("101\n"),
            "sbatch" => Interrupt(interrupt),
            "scancel" => CannedTools.Ok(),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.SubmitAsync(JobRequest.Sweep(Tasks(120)), interrupt.Token));

        Assert.Equal("submission interrupted; what was already submitted of the sweep (array 101) was cancelled, so none of it runs", error.Message);
        Assert.Equal(["scancel", "101"], Assert.Single(slurm.CallsOf("scancel")));
    }

    [Fact]
    public async Task Without_the_schedulers_configuration_a_sweep_is_not_submitted()
    {
        var slurm = new CannedTools(argv => argv[0] == "scontrol"
            ? CannedTools.Error(1, "scontrol: error: the configuration cannot be read\n")
            : throw new InvalidOperationException(argv[0]));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(JobRequest.Sweep(Tasks(3))));

        Assert.Equal("scontrol show config failed: scontrol: error: the configuration cannot be read", error.Message);
        Assert.Equal("scontrol show config", error.Command);
        Assert.Equal(["scontrol", "show", "config"], Assert.Single(slurm.Calls));
    }

    [Fact]
    public async Task A_dry_run_writes_the_script_and_task_table_and_describes_the_arrays_without_submitting()
    {
        var slurm = new CannedTools(argv => argv[0] == "scontrol" ? CannedTools.Ok(Config(50)) : throw new InvalidOperationException("no sbatch in a dry run"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var dryRun = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(120), maxParallel: 4) with { DryRun = true }));

        var script = dryRun.Details["script"];
        var table = dryRun.Details["task_table"];
        Assert.Equal($"sbatch --parsable --array=0-49%4 {script} 0 (and 2 more arrays)", dryRun.Command);
        Assert.Equal(
            Sorted(
                ("arrays", "0-49, 50-99, 100-119"),
                ("chdir", _temp.Path),
                ("first_task", "/opt/flepimop2 process task 0"),
                ("job_name", "flepimop2:process:none:default"),
                ("max_parallel", "4"),
                ("output", _temp.Combine("slurm-%A_%a.out")),
                ("run_dir", Path.GetDirectoryName(script)!),
                ("script", script),
                ("task_table", table),
                ("tasks", "120")),
            dryRun.Details.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.StartsWith("#!/bin/bash\n", await File.ReadAllTextAsync(script), StringComparison.Ordinal);
        Assert.Equal(Path.Combine(dryRun.Details["run_dir"], "tasks"), table);
        Assert.Equal(120 * TaskTable.IndexLineLength, new FileInfo(TaskTable.IndexPath(table)).Length);
        Assert.Equal(["/opt/flepimop2", "process", "task", "119"], TaskTable.Read(table, 119));
        Assert.Equal(["scontrol", "show", "config"], Assert.Single(slurm.Calls));
    }

    [Fact]
    public async Task A_dry_run_without_the_schedulers_configuration_assumes_the_default_array_size_and_notes_why()
    {
        var slurm = new CannedTools(argv => argv[0] == "scontrol"
            ? CannedTools.Error(1, "scontrol: error: the configuration cannot be read\n")
            : throw new InvalidOperationException("no sbatch in a dry run"));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var dryRun = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(1500)) with { DryRun = true }));

        Assert.Equal($"sbatch --parsable --array=0-1000 {dryRun.Details["script"]} 0 (and 1 more arrays)", dryRun.Command);
        Assert.Equal("0-1000, 1001-1499", dryRun.Details["arrays"]);
        Assert.Equal("all", dryRun.Details["max_parallel"]);
        Assert.Equal("Slurm's default MaxArraySize (1001) was assumed: scontrol show config failed: scontrol: error: the configuration cannot be read", dryRun.Details["note"]);
        Assert.Empty(slurm.CallsOf("sbatch"));
    }

    [Fact]
    public async Task Status_of_a_sweep_gives_each_tasks_status_and_exit_code_from_one_squeue_and_one_sacct_call()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok(
                "289_1|RUNNING|None|vm\n" +
                string.Concat(Enumerable.Range(5, 7).Concat(Enumerable.Range(13, 37)).Select(i => $"289_{i}|PENDING|JobArrayTaskLimit|\n"))),
            "sacct" => CannedTools.Ok(
                "289_3|294|FAILED|5:0|00:00:03|vm||50M|00:00.002|1|UNLIMITED\n" +
                "289_3.batch|294.batch|FAILED|5:0|00:00:03|vm|3128K||00:00.002|1|\n" +
                "289_0|291|COMPLETED|0:0|00:00:02|vm||50M|00:00.002|1|UNLIMITED\n" +
                "289_0.batch|291.batch|COMPLETED|0:0|00:00:02|vm|3180K||00:00.002|1|\n" +
                "289_1|292|RUNNING|0:0|00:00:05|vm||50M|00:00:00|1|UNLIMITED\n" +
                "289_1.batch|292.batch|RUNNING|0:0|00:00:05|vm|||00:00:00|1|\n" +
                "289_2|293|COMPLETED|0:0|00:00:02|vm||50M|00:00.002|1|UNLIMITED\n" +
                "289_2.batch|293.batch|COMPLETED|0:0|00:00:02|vm|3220K||00:00.002|1|\n" +
                "289_4|295|CANCELLED by 0|0:15|00:00:01|vm||50M|00:00.001|1|UNLIMITED\n" +
                "289_4.batch|295.batch|CANCELLED|0:15|00:00:01|vm|3188K||00:00.001|1|\n" +
                "289_[5-11,13-49%4]|289|PENDING|0:0|00:00:00|None assigned||50M|00:00:00|1|UNLIMITED\n"),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handle = Sweep(50, new BatchUnit("289", 0, 50));

        var result = await runner.StatusAsync(handle);

        var sweep = result.Sweep!;
        Assert.Equal(JobStatus.Running, result.Status);
        Assert.Equal(Text(("arrays", "289")), Text(result.Detail));
        Assert.Equal(50, sweep.Total);
        Assert.Equal(Enumerable.Range(0, 50), sweep.Tasks.Select(t => t.Index));
        Assert.Equal(
            [JobStatus.Successful, JobStatus.Running, JobStatus.Successful, JobStatus.Failed, JobStatus.Failed],
            sweep.Tasks.Take(5).Select(t => t.Status));
        Assert.All(sweep.Tasks.Skip(5).Where(t => t.Index != 12), t => Assert.Equal(JobStatus.Pending, t.Status));
        Assert.Equal([0, null, 0, 5, 0], sweep.Tasks.Take(5).Select(t => t.ExitCode));
        Assert.All(sweep.Tasks.Skip(5), t => Assert.Null(t.ExitCode));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"289_{i}"), sweep.Tasks.Select(t => t.BackendId));
        Assert.Equal([3, 4, 12], sweep.FailedIndices);
        Assert.Equal(new SweepCounts(50, 2, 2, 1, 1, 44), sweep.Counts());
        Assert.Equal(
            Text(
                ("state", "FAILED"), ("exit_code", "5"), ("elapsed", "00:00:03"), ("elapsed_seconds", "3"), ("time_limit", "UNLIMITED"),
                ("alloc_cpus", "1"), ("req_mem_bytes", "52428800"), ("max_rss_bytes", "3203072"), ("mem_efficiency", "0.0611"),
                ("cpu_efficiency", "0.0007"), ("nodes", "vm"), ("source", "sacct")),
            Text(sweep.Tasks[3].Detail));
        Assert.Equal(
            Text(
                ("state", "CANCELLED"), ("exit_code", "0"), ("signal", "15"), ("elapsed", "00:00:01"), ("elapsed_seconds", "1"), ("time_limit", "UNLIMITED"),
                ("alloc_cpus", "1"), ("req_mem_bytes", "52428800"), ("max_rss_bytes", "3264512"), ("mem_efficiency", "0.0623"),
                ("cpu_efficiency", "0.001"), ("nodes", "vm"), ("cancelled_by", "0"), ("source", "sacct")),
            Text(sweep.Tasks[4].Detail));
        Assert.Equal(
            Text(
                ("state", "RUNNING"), ("nodes", "vm"), ("elapsed", "00:00:05"), ("elapsed_seconds", "5"), ("time_limit", "UNLIMITED"),
                ("alloc_cpus", "1"), ("req_mem_bytes", "52428800"), ("source", "squeue")),
            Text(sweep.Tasks[1].Detail));
        Assert.Equal(
            Text(
                ("state", "PENDING"), ("reason", "JobArrayTaskLimit"), ("elapsed", "00:00:00"), ("elapsed_seconds", "0"), ("time_limit", "UNLIMITED"),
                ("alloc_cpus", "1"), ("req_mem_bytes", "52428800"), ("source", "squeue")),
            Text(sweep.Tasks[49].Detail));
        Assert.Equal(["squeue", "-t", "all", "-r", "-h", "-O", "JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:", "-j", "289"], Assert.Single(slurm.CallsOf("squeue")));
        Assert.Equal(
            ["sacct", "-P", "-n", "-o", "JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList,MaxRSS,ReqMem,TotalCPU,AllocCPUS,Timelimit", "-j", "289"],
            Assert.Single(slurm.CallsOf("sacct")));
        Assert.Equal(2, slurm.Calls.Count);
    }

    [Fact]
    public async Task A_task_missing_from_squeue_and_sacct_while_its_array_is_known_was_cancelled_before_it_started()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("289_0|RUNNING|None|vm\n289_2|PENDING|JobArrayTaskLimit|\n"),
            "sacct" => CannedTools.Ok("289_0|291|RUNNING|0:0|00:00:05|vm\n289_[2]|289|PENDING|0:0|00:00:00|None assigned\n"),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handle = Sweep(3, new BatchUnit("289", 0, 3));

        var task = (await runner.StatusAsync(handle)).Sweep!.Tasks[1];

        Assert.Equal(JobStatus.FinishedUnknown, task.Status);
        Assert.Equal("289_1", task.BackendId);
        Assert.Null(task.ExitCode);
        Assert.Equal(
            Text(("reason", "Slurm knows array 289 but no longer this task: it was cancelled (or removed) before it started")),
            Text(task.Detail));
    }

    [Fact]
    public async Task A_task_of_an_array_nobody_knows_yet_is_pending_within_the_grace_window_and_finished_unknown_after_it()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("101_0|RUNNING|None|vm\n" + string.Concat(Enumerable.Range(1, 49).Select(i => $"101_{i}|PENDING|JobArrayTaskLimit|\n"))),
            "sacct" => CannedTools.Ok(),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handle = Sweep(100, new BatchUnit("101", 0, 50), new BatchUnit("102", 50, 50));

        var early = (await runner.StatusAsync(handle)).Sweep!;
        _clock.Advance(TimeSpan.FromMinutes(6));
        var late = (await runner.StatusAsync(handle)).Sweep!;

        Assert.Equal(new SweepCounts(100, 0, 0, 0, 1, 99), early.Counts());
        Assert.Equal("102_7", early.Tasks[57].BackendId);
        Assert.Equal(Text(("reason", "not yet known to squeue or sacct; it was submitted less than 5 min ago")), Text(early.Tasks[57].Detail));
        Assert.Equal(new SweepCounts(100, 0, 0, 50, 1, 49), late.Counts());
        Assert.Equal(Enumerable.Range(50, 50), late.FailedIndices);
        Assert.Equal(Text(("reason", "neither squeue nor sacct knows job 102_7, more than 5 min after its submission")), Text(late.Tasks[57].Detail));
        Assert.Equal(JobStatus.Pending, late.Tasks[49].Status);
    }

    [Fact]
    public async Task A_sweeps_arrays_are_asked_about_in_chunks_of_500_ids_with_one_squeue_and_one_sacct_call_each()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok(),
            "sacct" => CannedTools.Ok(string.Concat(CannedTools.ValueAfter(argv, "-j").Split(',').Select(id =>
                $"{id}_0|{id}0|COMPLETED|0:0|00:00:01|vm\n{id}_1|{id}1|FAILED|1:0|00:00:01|vm\n"))),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handle = Sweep(1200, [.. Enumerable.Range(0, 600).Select(i => new BatchUnit((1000 + i).ToString(CultureInfo.InvariantCulture), 2 * i, 2))]);

        var sweep = (await runner.StatusAsync(handle)).Sweep!;

        string[] chunks = [string.Join(',', Enumerable.Range(1000, 500)), string.Join(',', Enumerable.Range(1500, 100))];
        Assert.Equal(chunks, slurm.CallsOf("squeue").Select(c => CannedTools.ValueAfter(c, "-j")));
        Assert.Equal(chunks, slurm.CallsOf("sacct").Select(c => CannedTools.ValueAfter(c, "-j")));
        Assert.Equal(4, slurm.Calls.Count);
        Assert.Equal(new SweepCounts(1200, 600, 600, 0, 0, 0), sweep.Counts());
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (2 * i) + 1), sweep.FailedIndices);
        Assert.Equal("1599_1", sweep.Tasks[1199].BackendId);
        Assert.Equal(1, sweep.Tasks[1199].ExitCode);
    }

    [Fact]
    public async Task Fifty_sweeps_of_a_thousand_tasks_take_at_most_four_scheduler_calls_for_their_status()
    {
        var ids = 500;
        var scheduler = new CannedTools(argv => argv[0] switch
        {
            "scontrol" => CannedTools.Ok(Config(1001)),
            "sbatch" => CannedTools.Ok($"{++ids}\n"),
            "squeue" => CannedTools.Ok(string.Concat(CannedTools.ValueAfter(argv, "-j").Split(',').SelectMany(id =>
                Enumerable.Range(0, 1000).Select(i => i == 0 ? $"{id}_0|RUNNING|None|vm\n" : $"{id}_{i}|PENDING|JobArrayTaskLimit|\n")))),
            "sacct" => CannedTools.Ok(string.Concat(CannedTools.ValueAfter(argv, "-j").Split(',').Select(id =>
                $"{id}_0|{id}|RUNNING|0:0|00:00:05|vm\n{id}_[1-999%4]|{id}|PENDING|0:0|00:00:00|None assigned\n"))),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(scheduler, Options(), _clock);

        // One sweep is submitted for real (one array, as MaxArraySize is 1001); the other 49 are its record with their own array.
        var submitted = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(1000), maxParallel: 4)));
        Assert.Equal(["sbatch", "--parsable", "--array=0-999%4", submitted.MetadataText("script")!, "0"], Assert.Single(scheduler.CallsOf("sbatch")));
        Assert.Equal("""[{"job_id":"501","first":0,"count":1000}]""", submitted.Metadata["arrays"]!.ToJsonString());
        List<JobHandle> handles =
        [
            submitted,
            .. Enumerable.Range(502, 49).Select(n => n.ToString(CultureInfo.InvariantCulture)).Select(id => submitted with
            {
                JobId = id,
                Metadata = new Dictionary<string, JsonNode?>(submitted.Metadata.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())), StringComparer.Ordinal)
                {
                    [BatchUnit.Key] = BatchUnit.ToJson([new BatchUnit(id, 0, 1000)]),
                },
            }),
        ];
        var before = scheduler.Calls.Count;

        var results = await runner.StatusManyAsync(handles);

        var statusCalls = scheduler.Calls.Skip(before).ToList();
        Assert.InRange(statusCalls.Count, 1, 4);
        Assert.Equal(["squeue", "sacct"], statusCalls.Select(c => c[0]));
        Assert.Equal(string.Join(',', Enumerable.Range(501, 50)), CannedTools.ValueAfter(statusCalls[0], "-j"));
        Assert.Equal(handles.Select(h => h.JobId), results.Select(r => r.JobId));
        Assert.All(results, r =>
        {
            Assert.Equal(JobStatus.Running, r.Status);
            Assert.Equal(new SweepCounts(1000, 0, 0, 0, 1, 999), r.Sweep!.Counts());
        });
    }

    [Fact]
    public async Task Status_of_sweeps_and_ordinary_jobs_together_is_asked_in_the_same_calls()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("7|RUNNING|None|vm\n"),
            "sacct" => CannedTools.Ok("7|7|RUNNING|0:0|00:00:01|vm\n289_0|290|COMPLETED|0:0|00:00:01|vm\n289_1|291|COMPLETED|0:0|00:00:01|vm\n"),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var results = await runner.StatusManyAsync([Sweep(2, new BatchUnit("289", 0, 2)), new JobHandle("7", "slurm", Start)]);

        Assert.Equal([JobStatus.Successful, JobStatus.Running], results.Select(r => r.Status));
        Assert.Null(results[1].Sweep);
        Assert.Equal("289,7", CannedTools.ValueAfter(Assert.Single(slurm.CallsOf("squeue")), "-j"));
        Assert.Equal("289,7", CannedTools.ValueAfter(Assert.Single(slurm.CallsOf("sacct")), "-j"));
    }

    [Fact]
    public async Task Without_accounting_a_sweeps_tasks_are_read_from_squeue_and_scontrol()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok(string.Concat(Enumerable.Range(2, 8).Select(i => $"144_{i}|PENDING|JobArrayTaskLimit|\n"))),
            "sacct" => CannedTools.Error(1, "sacct: error: Slurm accounting storage is disabled\n"),
            "scontrol" => CannedTools.Ok(
                "JobId=145 JobName=sweep ArrayJobId=144 ArrayTaskId=0 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 RunTime=00:00:02 NodeList=vm\n" +
                "JobId=146 JobName=sweep ArrayJobId=144 ArrayTaskId=1 JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:00:02 NodeList=vm\n" +
                "JobId=144 JobName=sweep ArrayJobId=144 ArrayTaskId=2-9%2 JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0 RunTime=00:00:00 NodeList=(null)\n"),
            _ => throw new InvalidOperationException(argv[0]),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Sweep(10, new BatchUnit("144", 0, 10)));

        var sweep = result.Sweep!;
        Assert.Equal([JobStatus.Failed, JobStatus.Successful], sweep.Tasks.Take(2).Select(t => t.Status));
        Assert.Equal([3, 0], sweep.Tasks.Take(2).Select(t => t.ExitCode));
        Assert.Equal(new SweepCounts(10, 1, 1, 0, 0, 8), sweep.Counts());
        Assert.Equal("scontrol", Text(sweep.Tasks[0].Detail)["source"]);
        Assert.Equal(Text(("arrays", "144"), ("note", "accounting is disabled on this cluster; status comes from squeue, scontrol and the jobs' exit records")), Text(result.Detail));
        Assert.Equal(["scontrol", "show", "job", "-o"], Assert.Single(slurm.CallsOf("scontrol")));
    }

    [Fact]
    public async Task A_sweep_whose_record_names_no_array_is_finished_unknown_without_asking_the_scheduler()
    {
        var slurm = new CannedTools(argv => throw new InvalidOperationException(argv[0]));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Sweep(5));

        Assert.Equal(JobStatus.FinishedUnknown, result.Status);
        Assert.Equal(Text(("reason", "the sweep's record names none of its job arrays (metadata.arrays is missing or damaged)")), Text(result.Detail));
        Assert.Empty(slurm.Calls);
    }

    [Fact]
    public async Task Tasks_no_recorded_array_runs_are_finished_unknown_and_say_why()
    {
        var slurm = new CannedTools(argv => argv[0] == "sacct" ? CannedTools.Ok("289_0|290|COMPLETED|0:0|00:00:01|vm\n289_1|291|COMPLETED|0:0|00:00:01|vm\n") : CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var sweep = (await runner.StatusAsync(Sweep(4, new BatchUnit("289", 0, 2)))).Sweep!;

        Assert.Equal([JobStatus.Successful, JobStatus.Successful, JobStatus.FinishedUnknown, JobStatus.FinishedUnknown], sweep.Tasks.Select(t => t.Status));
        Assert.Null(sweep.Tasks[3].BackendId);
        Assert.Equal(Text(("reason", "the sweep's record names no job array that runs this task")), Text(sweep.Tasks[3].Detail));
    }

    [Fact]
    public async Task Each_task_has_what_it_used_and_the_sweep_advises_the_most_any_task_needed()
    {
        var slurm = new CannedTools(argv => argv[0] == "sacct"
            ? CannedTools.Ok(
                "300_0|301|COMPLETED|0:0|00:00:03|vm||100M|00:00.024|1|00:01:00\n" +
                "300_0.batch|301.batch|COMPLETED|0:0|00:00:03|vm|27792K||00:00.024|1|\n" +
                "300_1|302|FAILED|0:9|00:00:02|vm||100M|00:00.001|1|00:01:00\n" +
                "300_1.batch|302.batch|CANCELLED by 0|0:9|00:00:02|vm|322180K||00:00.001|1|\n" +
                "300_2|300|TIMEOUT|0:0|00:01:12|vm||100M|00:00.001|1|00:01:00\n" +
                "300_2.batch|300.batch|CANCELLED|0:15|00:01:12|vm|3192K||00:00.001|1|\n")
            : CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Sweep(3, new BatchUnit("300", 0, 3)));

        var tasks = result.Sweep!.Tasks;
        Assert.Equal([JobStatus.Successful, JobStatus.Failed, JobStatus.Failed], tasks.Select(t => t.Status));
        Assert.Equal([28459008L, 329912320L, 3268608L], tasks.Select(t => t.Detail["max_rss_bytes"]!.GetValue<long>()));
        Assert.Equal([0.2714, 3.1463, 0.0312], tasks.Select(t => t.Detail["mem_efficiency"]!.GetValue<double>()));
        Assert.Equal("""{"memory":"512M"}""", tasks[1].Detail["retry"]!.ToJsonString());
        Assert.Equal("""{"time":"0-00:02:00"}""", tasks[2].Detail["retry"]!.ToJsonString());
        Assert.Equal("""{"memory":"512M","time":"0-00:02:00"}""", result.Detail["retry"]!.ToJsonString());
        Assert.Equal(2, slurm.Calls.Count);
    }

    [Fact]
    public async Task The_status_of_one_task_is_answered_like_an_ordinary_jobs_and_names_the_task_and_its_array_task_id()
    {
        var slurm = new CannedTools(argv => argv[0] == "sacct"
            ? CannedTools.Ok("102_7|160|FAILED|5:0|00:00:03|vm||50M|00:00.002|1|UNLIMITED\n102_7.batch|160.batch|FAILED|5:0|00:00:03|vm|3128K||00:00.002|1|\n")
            : CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.TaskStatusAsync(Sweep(100, new BatchUnit("101", 0, 50), new BatchUnit("102", 50, 50)), 57);

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("101", result.JobId);
        Assert.Equal(
            Text(
                ("task", "57"), ("job_id", "102_7"), ("state", "FAILED"), ("exit_code", "5"), ("elapsed", "00:00:03"), ("elapsed_seconds", "3"),
                ("time_limit", "UNLIMITED"), ("alloc_cpus", "1"), ("req_mem_bytes", "52428800"), ("max_rss_bytes", "3203072"),
                ("mem_efficiency", "0.0611"), ("cpu_efficiency", "0.0007"), ("nodes", "vm"), ("source", "sacct")),
            Text(result.Detail));
        Assert.Equal(
            ["task", "job_id", "state", "exit_code", "elapsed", "elapsed_seconds", "time_limit", "alloc_cpus", "req_mem_bytes", "max_rss_bytes", "mem_efficiency", "cpu_efficiency", "nodes", "source"],
            result.Detail.Keys);
    }

    [Fact]
    public async Task Cancelling_a_sweep_is_one_scancel_call_with_every_array()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await runner.CancelAsync(Sweep(120, new BatchUnit("101", 0, 50), new BatchUnit("102", 50, 50), new BatchUnit("103", 100, 20)));
        await runner.CancelAsync(Sweep(60, "c1", new BatchUnit("201", 0, 50), new BatchUnit("202", 50, 10)));

        Assert.Equal([["scancel", "101", "102", "103"], ["scancel", "-M", "c1", "201", "202"]], slurm.Calls);
    }

    [Fact]
    public async Task A_sweep_whose_record_names_no_array_cannot_be_cancelled_and_the_error_says_how_to_find_its_arrays()
    {
        var slurm = new CannedTools(argv => throw new InvalidOperationException(argv[0]));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelAsync(Sweep(5)));

        Assert.Equal("cannot cancel slurm-101: its record names none of its job arrays; find them with squeue --me and scancel them", error.Message);
        Assert.Empty(slurm.Calls);
    }

    [Fact]
    public async Task Cancelling_one_task_cancels_its_array_task_only()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok());
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handle = Sweep(100, new BatchUnit("101", 0, 50), new BatchUnit("102", 50, 50));

        await runner.CancelTaskAsync(handle, 57);
        await runner.CancelTaskAsync(handle, 0);
        await runner.CancelTaskAsync(handle, 99);
        await runner.CancelTaskAsync(Sweep(60, "c1", new BatchUnit("201", 0, 50), new BatchUnit("202", 50, 10)), 50);

        Assert.Equal([["scancel", "102_7"], ["scancel", "101_0"], ["scancel", "102_49"], ["scancel", "-M", "c1", "202_0"]], slurm.Calls);
    }

    [Fact]
    public async Task A_task_no_recorded_array_runs_cannot_be_cancelled_and_nothing_is_called()
    {
        var slurm = new CannedTools(argv => throw new InvalidOperationException(argv[0]));
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelTaskAsync(Sweep(100, new BatchUnit("101", 0, 50)), 57));

        Assert.Equal("cannot cancel task 57 of slurm-101: its record names no job array that runs it", error.Message);
        Assert.Empty(slurm.Calls);
    }

    [Fact]
    public async Task A_tasks_log_file_is_named_by_its_arrays_id_and_its_index_in_that_array()
    {
        var runner = SlurmRunners.With(Scheduler(maxArraySize: 50), Options(), _clock);
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(120), maxParallel: 4)));

        Assert.Equal([_temp.Combine("slurm-102_7.out")], runner.GetTaskLogFiles(handle, 57));
        Assert.Equal([_temp.Combine("slurm-101_0.out")], runner.GetTaskLogFiles(handle, 0));
        Assert.Equal([_temp.Combine("slurm-103_19.out")], runner.GetTaskLogFiles(handle, 119));
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.GetTaskLogFiles(handle, 120));
        var all = runner.GetLogFiles(handle);
        Assert.Equal(120, all.Count);
        Assert.Equal(_temp.Combine("slurm-101_0.out"), all[0]);
        Assert.Equal(_temp.Combine("slurm-102_0.out"), all[50]);
        Assert.Equal(_temp.Combine("slurm-103_19.out"), all[^1]);
    }

    [Fact]
    public async Task A_users_output_and_error_patterns_give_each_tasks_files()
    {
        var options = Options() with { SbatchOptions = new Dictionary<string, string?> { ["output"] = "logs/%A/%a.out", ["error"] = "logs/%A/%4a.err" } };
        var runner = SlurmRunners.With(Scheduler(maxArraySize: 50), options, _clock);
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(120))));

        Assert.Equal("logs/%A/%a.out", handle.MetadataText("output_pattern"));
        Assert.Equal("logs/%A/%4a.err", handle.MetadataText("error_pattern"));
        Assert.Equal([_temp.Combine("logs", "102", "7.out"), _temp.Combine("logs", "102", "0007.err")], runner.GetTaskLogFiles(handle, 57));
    }

    [Theory]
    [InlineData("output", "logs/%j.out")]
    [InlineData("output", "logs/%10J.out")]
    [InlineData("error", "%x-%j.err")]
    public async Task A_sweep_whose_output_pattern_names_the_jobs_own_id_is_refused_naming_the_field(string key, string pattern)
    {
        var slurm = new CannedTools(argv => throw new InvalidOperationException(argv[0]));
        var runner = SlurmRunners.With(slurm, Options() with { SbatchOptions = new Dictionary<string, string?> { [key] = pattern } }, _clock);
        var request = JobRequest.Sweep(Tasks(3));

        var issue = Assert.Single(runner.ValidateSubmission(request));
        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(request));

        Assert.Equal(
            $"sbatch-options.{key} '{pattern}' names the job's own id (%j), which each task of a sweep gets only when it starts; use %A (the array's id) and %a (the task's index in it)",
            issue.Message);
        Assert.Equal("invalid_option", issue.Kind);
        Assert.Equal($"sbatch-options.{key}", issue.Field);
        Assert.Equal([KeyValuePair.Create($"sbatch-options.{key}", pattern)], issue.Context!);
        var thrown = Assert.Single(error.Issues);
        Assert.Equal((issue.ToString(), issue.Field), (thrown.ToString(), thrown.Field));
        Assert.Empty(slurm.Calls);
        Assert.False(Directory.Exists(_temp.Combine("scripts")));
    }

    [Fact]
    public void An_ordinary_job_may_name_its_own_id_and_a_sweep_may_name_its_array_and_index()
    {
        var withJ = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options() with { SbatchOptions = new Dictionary<string, string?> { ["output"] = "logs/%j.out" } }, _clock);
        var withA = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options() with { SbatchOptions = new Dictionary<string, string?> { ["output"] = "logs/%A_%a-%%j.out" } }, _clock);

        Assert.Empty(withJ.ValidateSubmission(new JobRequest(new DummyCommand("exit", "0"))));
        Assert.Empty(withA.ValidateSubmission(JobRequest.Sweep(Tasks(3))));
    }

    [Fact]
    public void A_sweep_needs_scontrol_on_path_and_an_ordinary_job_does_not()
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options(), _clock, findTool: tool => tool == "scontrol" ? null : "/usr/bin/" + tool);

        var issue = Assert.Single(runner.ValidateSubmission(JobRequest.Sweep(Tasks(3))));

        Assert.Equal("'scontrol' was not found on PATH; the slurm runner needs the Slurm client tools", issue.Message);
        Assert.Equal("missing_executable", issue.Kind);
        Assert.Equal("scontrol", issue.Context!["executable"]);
        Assert.Empty(runner.ValidateSubmission(new JobRequest(new DummyCommand("exit", "0"))));
    }

    [Fact]
    public async Task Asking_about_or_cancelling_a_task_of_an_ordinary_job_is_an_argument_error()
    {
        var slurm = new CannedTools(argv => throw new InvalidOperationException(argv[0]));
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var job = new JobHandle("5", "slurm", Start);

        var status = await Assert.ThrowsAsync<ArgumentException>(() => runner.TaskStatusAsync(job, 0));
        var cancel = await Assert.ThrowsAsync<ArgumentException>(() => runner.CancelTaskAsync(job, 0));

        Assert.Equal("slurm-5 is one job, not a sweep of tasks (Parameter 'handle')", status.Message);
        Assert.Equal("handle", status.ParamName);
        Assert.Equal(status.Message, cancel.Message);
        Assert.Empty(slurm.Calls);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(120)]
    [InlineData(int.MaxValue)]
    public async Task Asking_about_or_cancelling_a_task_outside_the_sweep_is_out_of_range(int task)
    {
        var slurm = new CannedTools(argv => throw new InvalidOperationException(argv[0]));
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var handle = Sweep(120, new BatchUnit("101", 0, 50), new BatchUnit("102", 50, 50), new BatchUnit("103", 100, 20));

        var status = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => runner.TaskStatusAsync(handle, task));
        var cancel = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => runner.CancelTaskAsync(handle, task));

        Assert.Equal($"slurm-101 has tasks 0 to 119 (Parameter 'index'){Environment.NewLine}Actual value was {task}.", status.Message);
        Assert.Equal("index", status.ParamName);
        Assert.Equal(task, status.ActualValue);
        Assert.Equal(status.Message, cancel.Message);
        Assert.Empty(slurm.Calls);
    }

    [Fact]
    public async Task A_task_the_controller_shows_ended_stays_running_until_accounting_has_its_exit_code()
    {
        var accounted = false;
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("289_0|FAILED|NonZeroExitCode|vm\n289_1|COMPLETED|None|vm\n"),
            "sacct" => CannedTools.Ok(accounted
                ? "289_0|290|FAILED|3:0|00:00:01|vm\n289_1|289|COMPLETED|0:0|00:00:01|vm\n"
                : "289_1|289|COMPLETED|0:0|00:00:01|vm\n"),
            _ => CannedTools.Ok(),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var sweep = Sweep(2, new BatchUnit("289", 0, 2));

        var lagging = await runner.StatusAsync(sweep);
        accounted = true;
        var recorded = await runner.StatusAsync(sweep);

        Assert.Equal(JobStatus.Running, lagging.Status);
        Assert.Equal(
            Text(("state", "FAILED"), ("nodes", "vm"), ("reason", "Slurm says it ended (FAILED); its exit code is not in accounting yet"), ("source", "squeue")),
            Text(lagging.Sweep!.Tasks[0].Detail));
        Assert.Null(lagging.Sweep.Tasks[0].ExitCode);
        Assert.Equal(JobStatus.Failed, recorded.Status);
        Assert.Equal(3, recorded.Sweep!.Tasks[0].ExitCode);
    }

    [Fact]
    public async Task A_task_cancelled_before_it_had_a_node_is_final_before_accounting_has_it()
    {
        // Withdrawn while held: the controller lists it ended with no node, and nothing will ever come to accounting's exit code.
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("289_0|CANCELLED|JobHeldUser|\n289_1|CANCELLED|JobHeldUser|\n"),
            "sacct" => CannedTools.Ok(),
            _ => CannedTools.Ok(),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Sweep(2, new BatchUnit("289", 0, 2)));

        Assert.All(result.Sweep!.Tasks, t => Assert.True(t.Status.IsFinished(), t.Status.ToWireName()));
        Assert.DoesNotContain(result.Sweep.Tasks, t => t.Status is JobStatus.Running or JobStatus.Successful);
        Assert.Equal("Slurm says it ended (CANCELLED) before it started", result.Sweep.Tasks[0].Detail["reason"]!.ToString());
        Assert.True(result.Status.IsFinished(), result.Status.ToWireName());
    }

    [Fact]
    public async Task A_range_line_of_accounting_gives_way_to_what_the_controller_says_of_a_task()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("289_0|RUNNING|None|vm\n289_1|CANCELLED|None|\n"),
            "sacct" => CannedTools.Ok("289_[0-1]|289|CANCELLED by 0|0:0|00:00:00|None assigned\n"),
            _ => CannedTools.Ok(),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Sweep(2, new BatchUnit("289", 0, 2)));

        Assert.Equal([JobStatus.Running, JobStatus.Failed], result.Sweep!.Tasks.Select(t => t.Status));
        Assert.Equal("CANCELLED", result.Sweep.Tasks[1].Detail["state"]!.ToString());
        Assert.Equal("0", result.Sweep.Tasks[1].Detail["cancelled_by"]!.ToString());
    }

    private static string Config(int? maxArraySize) =>
        "Configuration data as of 2026-05-26T20:56:24\n" +
        "AccountingStorageType   = accounting_storage/slurmdbd\n" +
        (maxArraySize is { } max ? $"MaxArraySize            = {max}\n" : string.Empty) +
        "MaxJobCount             = 10000\n";

    /// <summary>
    /// The scheduler for submissions: the configuration's <c>MaxArraySize</c>, job ids 101, 102, ... from sbatch (with the
    /// cluster when given), sbatch call <paramref name="failSbatch"/> refused as real Slurm refuses a too large array.
    /// </summary>
    private static CannedTools Scheduler(int? maxArraySize, int? failSbatch = null, string? cluster = null, Flepimop2.Subprocesses.ProcessResult? scancel = null)
    {
        var submitted = 0;
        return new CannedTools(argv => argv[0] switch
        {
            "scontrol" => CannedTools.Ok(Config(maxArraySize)),
            "sbatch" when ++submitted == failSbatch => CannedTools.Error(1, InvalidArray),
            "sbatch" => CannedTools.Ok(cluster is null ? $"{100 + submitted}\n" : $"{100 + submitted};{cluster}\n"),
            "scancel" => scancel ?? CannedTools.Ok(),
            _ => throw new InvalidOperationException(argv[0]),
        });
    }

    private static Flepimop2.Subprocesses.ProcessResult Interrupt(CancellationTokenSource interrupt)
    {
        interrupt.Cancel();
        throw new OperationCanceledException(interrupt.Token);
    }

    private static List<CliCommand> Tasks(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (CliCommand)new DummyCommand("task", i.ToString(CultureInfo.InvariantCulture)))];

    private static IEnumerable<(string Key, string Value)> Sorted(params (string Key, string Value)[] items) =>
        items.OrderBy(i => i.Key, StringComparer.Ordinal);

    private static Dictionary<string, string> Text(params (string Key, string Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);

    private static Dictionary<string, string> Text(IReadOnlyDictionary<string, JsonNode?> detail) =>
        detail.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v ? v.ToString() : kv.Value?.ToJsonString() ?? "null");

    private SlurmJobOptions Options() => new()
    {
        Chdir = _temp.Path,
        ScriptDirectory = _temp.Combine("scripts"),
        Executable = "/opt/flepimop2",
    };

    private JobHandle Sweep(int tasks, params BatchUnit[] arrays) => Sweep(tasks, null, arrays);

    private JobHandle Sweep(int tasks, string? cluster, params BatchUnit[] arrays)
    {
        var metadata = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            [SweepInfo.Key] = new SweepInfo(tasks, null).ToJson(),
            ["chdir"] = _temp.Path,
        };
        if (arrays.Length > 0)
        {
            metadata[BatchUnit.Key] = BatchUnit.ToJson(arrays);
        }

        if (cluster is not null)
        {
            metadata["cluster"] = cluster;
        }

        return new JobHandle(arrays.FirstOrDefault()?.JobId ?? "101", "slurm", _clock.GetUtcNow()) { Metadata = metadata };
    }
}
