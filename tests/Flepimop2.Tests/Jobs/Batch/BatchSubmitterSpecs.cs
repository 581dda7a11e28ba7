using System.Text;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// A submission to a scheduler, the same for every one (<see cref="BatchSubmitter"/>), through the Slurm runner on canned
/// tools: the script file's bytes and the run directory, the cluster recorded, a submission held until it is recorded
/// (which ids are released, withdrawn, and what the errors say), the undo of a sweep refused part way, and a predecessor
/// that failed long ago.
/// </summary>
public sealed class BatchSubmitterSpecs : IDisposable
{
    private const string Full = "No space left on device";
    private const string Denied = "scancel: error: Kill job error on job id 101: Access/permission denied\n";
    private readonly BatchSpecsSetup _setup = new();

    public void Dispose() => _setup.Dispose();

    [Fact]
    public async Task An_ordinary_jobs_script_says_what_wrote_it_and_its_run_directory_holds_only_the_script()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new JobRequest(BatchSpecsSetup.Step())));

        var script = handle.MetadataText("script")!;
        var bytes = await File.ReadAllBytesAsync(script);
        Assert.Equal("#!/bin/bash\n"u8.ToArray(), bytes[..12]);
        Assert.Contains("\n# Written by flepimop2 to run one command as a Slurm job.\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal([script], Directory.GetFileSystemEntries(handle.MetadataText("run_dir")!));
    }

    [Fact]
    public async Task A_sweeps_script_says_how_each_task_finds_its_argv()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(BatchSpecsSetup.Tasks(3))));

        var text = await File.ReadAllTextAsync(handle.MetadataText("script")!);
        Assert.Contains(
            "\n# Written by flepimop2 to run a sweep of 3 tasks as Slurm array jobs. Each task finds\n" +
            "# its position in the sweep, and reads its argv from the task table: every argument ended by a NUL byte,\n" +
            "# found through the table's index, read as it is.\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cluster_the_first_array_went_to_is_recorded_and_used_to_cancel()
    {
        var slurm = BatchSpecsSetup.Slurm(50, null, "c1", "c2");
        var runner = _setup.Runner(slurm);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(BatchSpecsSetup.Tasks(60))));
        await runner.CancelAsync(handle);

        Assert.Equal("c1", handle.MetadataText("cluster"));
        Assert.Equal(["scancel", "-M", "c1", "101", "102"], Assert.Single(slurm.CallsOf("scancel")));
    }

    [Fact]
    public async Task A_job_recorded_before_release_is_submitted_held_recorded_then_released()
    {
        var slurm = BatchSpecsSetup.Slurm();
        var runner = _setup.Runner(slurm);
        var callsWhenRecorded = -1;

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new JobRequest(BatchSpecsSetup.Step())
        {
            BeforeRelease = (_, _) =>
            {
                callsWhenRecorded = slurm.Calls.Count;
                return Task.CompletedTask;
            },
        }));

        Assert.Equal([["sbatch", "--hold", "--parsable", handle.MetadataText("script")!], ["scontrol", "release", "101"]], slurm.Calls);
        Assert.Equal(1, callsWhenRecorded);
    }

    [Fact]
    public async Task A_sweep_recorded_before_release_releases_every_array_in_one_call()
    {
        var slurm = BatchSpecsSetup.Slurm();
        var runner = _setup.Runner(slurm);

        await runner.SubmitAsync(JobRequest.Sweep(BatchSpecsSetup.Tasks(120)) with { BeforeRelease = (_, _) => Task.CompletedTask });

        Assert.Equal(["--hold", "--hold", "--hold"], slurm.CallsOf("sbatch").Select(c => c[1]));
        Assert.Equal(["scontrol", "release", "101,102,103"], Assert.Single(slurm.CallsOf("scontrol"), c => c[1] == "release"));
    }

    [Fact]
    public async Task A_sweep_whose_record_fails_is_withdrawn_whole_and_the_error_names_every_array()
    {
        var slurm = BatchSpecsSetup.Slurm();
        var runner = _setup.Runner(slurm);

        var error = await Assert.ThrowsAsync<Flepimop2Exception>(() => runner.SubmitAsync(HeldSweep(60, Full)));

        Assert.Equal($"slurm-101 was not recorded ({Full}); it was submitted held as 101, 102 and withdrawn, so it never ran", error.Message);
        Assert.Equal(Full, error.InnerException!.Message);
        Assert.Equal(["scancel", "101", "102"], Assert.Single(slurm.CallsOf("scancel")));
        Assert.DoesNotContain(slurm.Calls, c => c.Contains("release"));
    }

    [Fact]
    public async Task A_sweep_whose_record_fails_and_cannot_be_withdrawn_says_it_stays_held_and_how_to_cancel_it()
    {
        var slurm = BatchSpecsSetup.Slurm(other: argv => argv[0] == "scancel" ? CannedTools.Error(1, Denied) : null);
        var runner = _setup.Runner(slurm);

        var error = await Assert.ThrowsAsync<Flepimop2Exception>(() => runner.SubmitAsync(HeldSweep(60, Full)));

        Assert.Equal(
            $"slurm-101 was not recorded ({Full}); it was submitted held as 101, 102 and could not be withdrawn " +
            "(scancel failed: scancel: error: Kill job error on job id 101: Access/permission denied); it stays held until you cancel it with scancel",
            error.Message);
    }

    [Fact]
    public async Task A_recorded_sweep_that_cannot_be_released_says_it_is_held_and_how_to_release_it()
    {
        var slurm = BatchSpecsSetup.Slurm(other: argv => argv.Contains("release") ? CannedTools.Error(1, "scontrol: error: Access/permission denied\n") : null);
        var runner = _setup.Runner(slurm);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(HeldSweep(60, failure: null)));

        Assert.Equal(
            "slurm-101 is recorded but still held (scontrol could not release the held jobs: scontrol: error: Access/permission denied); release it with scontrol release 101 102",
            error.Message);
        Assert.Equal("scontrol release 101,102", error.Command);
        Assert.Equal(1, error.ExitCode);
        Assert.Empty(slurm.CallsOf("scancel"));
    }

    [Fact]
    public async Task When_the_arrays_already_submitted_cannot_be_cancelled_the_error_names_each()
    {
        var submitted = 0;
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "scontrol" => CannedTools.Ok("MaxArraySize            = 50\n"),
            "sbatch" when ++submitted == 3 => CannedTools.Error(1, "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy\n"),
            "sbatch" => CannedTools.Ok($"{100 + submitted}\n"),
            _ => CannedTools.Error(1, Denied),
        });
        var runner = _setup.Runner(slurm);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(JobRequest.Sweep(BatchSpecsSetup.Tasks(120))));

        Assert.EndsWith(
            "; what was already submitted of the sweep (array 101, 102) could not be cancelled " +
            "(scancel failed: scancel: error: Kill job error on job id 101: Access/permission denied); cancel it with scancel",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal(["scancel", "101", "102"], Assert.Single(slurm.CallsOf("scancel")));
    }

    [Fact]
    public async Task A_submit_tool_that_fails_without_a_word_is_reported_by_its_exit_code()
    {
        var slurm = new CannedTools(argv => argv[0] == "sbatch" ? new Flepimop2.Subprocesses.ProcessResult(3, "\n", string.Empty) : CannedTools.Ok());
        var runner = _setup.Runner(slurm);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(new JobRequest(BatchSpecsSetup.Step())));

        var script = slurm.CallsOf("sbatch")[0][2];
        Assert.Equal($"sbatch rejected the job: exit code 3 (script: {script})", error.Message);
        Assert.Equal(3, error.ExitCode);
    }

    [Fact]
    public async Task A_predecessor_that_failed_long_ago_is_refused_as_a_failed_dependency_naming_it()
    {
        var slurm = BatchSpecsSetup.Slurm(other: argv => argv[0] == "sacct" ? CannedTools.Ok("4211|4211|FAILED|3:0|00:00:30|vm\n") : null);
        var runner = _setup.Runner(slurm);
        var old = new JobHandle("4211", "slurm", BatchSpecsSetup.Start.AddDays(-2));

        var refused = await Assert.ThrowsAsync<Flepimop2ValidationException>(
            () => runner.SubmitAsync(new JobRequest(BatchSpecsSetup.Step()) { After = [new(old, DependencyCondition.Succeeded)] }));

        var issue = Assert.Single(refused.Issues);
        Assert.Equal("failed_dependency", issue.Kind);
        Assert.Equal(new Dictionary<string, string> { ["after"] = "slurm-4211" }, issue.Context);
        Assert.Empty(slurm.CallsOf("sbatch"));
    }

    [Fact]
    public async Task A_sweep_predecessor_slurm_still_holds_one_array_of_is_left_to_slurm()
    {
        var slurm = BatchSpecsSetup.Slurm(other: argv => argv[0] switch
        {
            "squeue" when argv[1] != "--version" => CannedTools.Ok("5001_3|PENDING|JobArrayTaskLimit|\n"),
            "sacct" => CannedTools.Ok("5000_0|5000|FAILED|3:0|00:00:30|vm\n"),
            _ => null,
        });
        var runner = _setup.Runner(slurm);
        var predecessor = _setup.Sweep(new Flepimop2.Jobs.Internal.SweepInfo(60, null), [new BatchUnit("5000", 0, 50), new BatchUnit("5001", 50, 10)]);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new JobRequest(BatchSpecsSetup.Step()) { After = [new(predecessor, DependencyCondition.Succeeded)] }));

        Assert.Equal("101", handle.JobId);
        Assert.Equal("--dependency=afterok:5000:5001", Assert.Single(slurm.CallsOf("sbatch"))[2]);
        Assert.Empty(slurm.CallsOf("sacct"));
    }

    /// <summary>A sweep of <paramref name="tasks"/> (arrays of 50) recorded before release by a record that throws <paramref name="failure"/>, or succeeds when null.</summary>
    private static JobRequest HeldSweep(int tasks, string? failure) =>
        JobRequest.Sweep(BatchSpecsSetup.Tasks(tasks)) with
        {
            BeforeRelease = (_, _) => failure is null ? Task.CompletedTask : throw new IOException(failure),
        };
}
