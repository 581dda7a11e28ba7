using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Jobs that wait for others on Slurm, against a fake process layer: what is submitted, and how status explains it.</summary>
public sealed class SlurmChainSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 26, 20, 56, 24, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_job_after_others_is_submitted_with_every_id_to_wait_for_and_ended_by_slurm_if_one_fails()
    {
        var slurm = Scheduler();
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var sweep = Sweep(60, new BatchUnit("5000", 0, 50), new BatchUnit("5001", 50, 10));

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new JobRequest(Step()) { After = [new(Job("4211"), DependencyCondition.Succeeded), new(sweep, DependencyCondition.Ended)] }));

        var script = handle.MetadataText("script")!;
        Assert.Equal([["sbatch", "--parsable", "--dependency=afterok:4211,afterany:5000:5001", "--kill-on-invalid-dep=yes", script]], slurm.CallsOf("sbatch"));
        Assert.Equal("""{"slurm-4211":["4211"],"slurm-5000":["5000","5001"]}""", handle.Metadata[BatchPredecessors.MetadataKey]!.ToJsonString());
        Assert.Equal([new JobDependency("slurm-4211", DependencyCondition.Succeeded), new JobDependency("slurm-5000", DependencyCondition.Ended)], handle.After);
    }

    [Fact]
    public async Task A_sweep_after_a_job_waits_for_it_in_every_array_and_each_array_for_the_one_before()
    {
        var slurm = Scheduler(maxArraySize: 50);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(60), maxParallel: 2) with { After = [new(Job("4211"), DependencyCondition.Succeeded)] }));

        var script = handle.MetadataText("script")!;
        Assert.Equal(
            [
                ["sbatch", "--parsable", "--array=0-49%2", "--dependency=afterok:4211", "--kill-on-invalid-dep=yes", script, "0"],
                ["sbatch", "--parsable", "--array=0-9%2", "--dependency=afterok:4211,afterany:101", "--kill-on-invalid-dep=yes", script, "50"],
            ],
            slurm.CallsOf("sbatch"));
    }

    [Fact]
    public async Task A_predecessor_that_failed_so_long_ago_that_slurm_forgot_it_is_refused_as_slurm_would_run_the_job_anyway()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok(),
            "sacct" => CannedTools.Ok("4211|4211|FAILED|3:0|00:00:30|vm\n"),
            _ => CannedTools.Ok("101\n"),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var old = new JobHandle("4211", "slurm", Start.AddDays(-2));

        var refused = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new JobRequest(Step()) { After = [new(old, DependencyCondition.Succeeded)] }));

        Assert.Equal(
            "slurm-4211 did not succeed (failed), and this job runs only after it succeeds; Slurm no longer holds slurm-4211, so it would run this job anyway: nothing was submitted (retry slurm-4211 first, or use --after-any)",
            Assert.Single(refused.Issues).Message);
        Assert.Empty(slurm.CallsOf("sbatch"));
    }

    [Theory]
    [InlineData("", "4211|4211|COMPLETED|0:0|00:00:30|vm\n", "ok", 2, 1)]
    [InlineData("4211|FAILED|NonZeroExitCode|vm\n", "4211|4211|FAILED|3:0|00:00:30|vm\n", "ok", 1, 0)]
    [InlineData("", "4211|4211|FAILED|3:0|00:00:30|vm\n", "any", 0, 0)]
    public async Task A_predecessor_slurm_still_holds_or_that_succeeded_or_need_not_is_left_to_slurm(string squeue, string sacct, string condition, int squeueCalls, int sacctCalls)
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok(squeue),
            "sacct" => CannedTools.Ok(sacct),
            _ => CannedTools.Ok("101\n"),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var old = new JobHandle("4211", "slurm", Start.AddDays(-2));
        var kind = condition == "ok" ? DependencyCondition.Succeeded : DependencyCondition.Ended;

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new JobRequest(Step()) { After = [new(old, kind)] }));

        Assert.Equal($"--dependency=after{condition}:4211", Assert.Single(slurm.CallsOf("sbatch"))[2]);
        Assert.Equal("101", handle.JobId);
        Assert.Equal(squeueCalls, slurm.CallsOf("squeue").Count(c => c[1] != "--version"));
        Assert.Equal(sacctCalls, slurm.CallsOf("sacct").Count);
    }

    [Fact]
    public async Task A_dry_run_shows_the_dependency_it_would_submit_with()
    {
        var runner = SlurmRunners.With(Scheduler(), Options(), _clock);

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(new JobRequest(Step()) { DryRun = true, After = [new(Job("77"), DependencyCondition.Ended)] }));

        Assert.Equal($"sbatch --parsable --dependency=afterany:77 --kill-on-invalid-dep=yes {dry.Details["script"]}", dry.Command);
    }

    [Fact]
    public async Task A_waiting_job_is_pending_waiting_for_its_predecessors_asked_about_in_the_same_calls()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "squeue" => CannedTools.Ok("4211|RUNNING|None|vm\n4300|PENDING|Dependency|\n"),
            "sacct" => CannedTools.Ok("4211|4211|RUNNING|0:0|00:00:30|vm\n4300|4300|PENDING|0:0|00:00:00|None assigned\n"),
            _ => CannedTools.Ok(),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Dependent("4300", ("slurm-4211", "ok", ["4211"])));

        Assert.Equal(JobStatus.Pending, result.Status);
        Assert.Equal("waiting for slurm-4211", result.Detail["reason"]!.ToString());
        Assert.Equal("4300,4211", CannedTools.ValueAfter(Assert.Single(slurm.CallsOf("squeue")), "-j"));
        Assert.Equal("4300,4211", CannedTools.ValueAfter(Assert.Single(slurm.CallsOf("sacct")), "-j"));
    }

    [Fact]
    public async Task A_job_slurm_ended_because_a_predecessor_failed_is_failed_by_that_dependency_without_having_run()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "sacct" => CannedTools.Ok("5000_0|5001|COMPLETED|0:0|00:00:02|vm\n5000_1|5000|FAILED|3:0|00:00:02|vm\n4300|4300|CANCELLED|0:0|00:00:00|None assigned\n"),
            _ => CannedTools.Ok(),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Dependent("4300", ("slurm-5000", "ok", ["5000"]), ("slurm-9", "any", ["9"])));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("dependency slurm-5000 failed (it did not run)", result.Detail["reason"]!.ToString());
    }

    [Fact]
    public async Task A_job_cancelled_after_it_ran_keeps_slurms_own_account()
    {
        var slurm = new CannedTools(argv => argv[0] switch
        {
            "sacct" => CannedTools.Ok("5000|5000|FAILED|3:0|00:00:02|vm\n4300|4300|CANCELLED by 0|0:15|00:01:10|vm\n"),
            _ => CannedTools.Ok(),
        });
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        var result = await runner.StatusAsync(Dependent("4300", ("slurm-5000", "ok", ["5000"])));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.False(result.Detail.ContainsKey("reason"));
        Assert.Equal("0", result.Detail["cancelled_by"]!.ToString());
    }

    [Fact]
    public async Task A_predecessor_without_a_usable_id_or_a_users_dependency_with_any_of_is_refused_naming_it()
    {
        var options = Options() with { SbatchOptions = new Dictionary<string, string?> { ["dependency"] = "afterok:1?afterok:2" } };
        var runner = SlurmRunners.With(Scheduler(), options, _clock);

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() =>
            runner.SubmitAsync(new JobRequest(Step()) { After = [new(Job("not-an-id"), DependencyCondition.Succeeded)] }));

        Assert.Equal(
            [
                "slurm-not-an-id has no Slurm job id on record to wait for",
                "sbatch-options.dependency 'afterok:1?afterok:2' uses '?' (any of), which cannot be combined with the jobs this one runs after; use ',' in it",
            ],
            error.Issues.Select(i => i.Message));
    }

    private static DummyCommand Step() => new("exit", "0");

    private static List<CliCommand> Tasks(int count) => [.. Enumerable.Range(0, count).Select(_ => (CliCommand)Step())];

    private static CannedTools Scheduler(int? maxArraySize = null)
    {
        var submitted = 0;
        return new CannedTools(argv => argv[0] switch
        {
            "scontrol" => CannedTools.Ok(maxArraySize is { } max ? $"MaxArraySize            = {max}\n" : string.Empty),
            "sbatch" => CannedTools.Ok($"{100 + ++submitted}\n"),
            _ => CannedTools.Ok(),
        });
    }

    private JobHandle Job(string id) => new(id, "slurm", _clock.GetUtcNow());

    private JobHandle Dependent(string id, params (string Key, string Condition, string[] Ids)[] after) =>
        new(id, "slurm", _clock.GetUtcNow())
        {
            Metadata = new Dictionary<string, JsonNode?>
            {
                ["after"] = new JsonArray([.. after.Select(a => (JsonNode?)new JsonObject { ["key"] = a.Key, ["condition"] = a.Condition })]),
                [BatchPredecessors.MetadataKey] = new JsonObject(after.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)new JsonArray([.. a.Ids.Select(i => (JsonNode?)i)])))),
            },
        };

    private JobHandle Sweep(int tasks, params BatchUnit[] arrays) =>
        new(arrays[0].JobId, "slurm", _clock.GetUtcNow()) { Metadata = new Dictionary<string, JsonNode?> { [SweepInfo.Key] = new SweepInfo(tasks, null).ToJson(), [BatchUnit.Key] = BatchUnit.ToJson(arrays) } };

    private SlurmJobOptions Options() => new()
    {
        Chdir = _temp.Path,
        ScriptDirectory = _temp.Combine("scripts"),
        Executable = "/opt/flepimop2",
    };
}
