using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// What a scheduler job's handle records of its predecessors' ids, read back without trusting it, and the reason a user
/// reads for a job that waits for them or ended without running because of them.
/// </summary>
public sealed class BatchPredecessorsSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private const string SweepInfoKey = Flepimop2.Jobs.Internal.SweepInfo.Key;

    private static bool IsNumeric(string id) => id.Length > 0 && id.All(char.IsAsciiDigit);

    private static JobHandle Dependent(JsonNode? ids, params (string Key, string Condition)[] after) =>
        new("4300", "slurm", At)
        {
            Metadata = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                [BatchPredecessors.MetadataKey] = ids,
                ["after"] = new JsonArray([.. after.Select(a => (JsonNode?)new JsonObject { ["key"] = a.Key, ["condition"] = a.Condition })]),
            },
        };

    private static string? Reason(JobStatusResult result) => result.Detail.GetValueOrDefault("reason")?.ToString();

    [Fact]
    public void A_requests_predecessors_carry_their_condition_their_ids_and_their_task_count()
    {
        var sweep = new JobHandle("4211", "slurm", At) { Metadata = new Dictionary<string, JsonNode?> { [SweepInfoKey] = new JsonObject { ["tasks"] = 7 } } };
        var request = new JobRequest(new ArgvCommand(["true"], runsFlepimop2: false))
        {
            After = [new JobDependency(sweep, DependencyCondition.Succeeded), new JobDependency("slurm-9", DependencyCondition.Ended)],
        };

        var predecessors = BatchPredecessors.From(request, h => [h.JobId, "x"]);

        Assert.Equal(2, predecessors.Count);
        Assert.Equal((sweep.Key, DependencyCondition.Succeeded, 7), (predecessors[0].Key, predecessors[0].Condition, predecessors[0].Tasks));
        Assert.Equal(["4211", "x"], predecessors[0].JobIds);
        Assert.Equal(("slurm-9", DependencyCondition.Ended, 1), (predecessors[1].Key, predecessors[1].Condition, predecessors[1].Tasks));
        Assert.Empty(predecessors[1].JobIds);
    }

    [Fact]
    public void The_recorded_ids_read_back_as_written()
    {
        var metadata = BatchPredecessors.ToMetadata([
            new BatchPredecessor("slurm-1", DependencyCondition.Succeeded, ["1", "2"], 1),
            new BatchPredecessor("slurm-3", DependencyCondition.Ended, ["3"], 1),
        ]);

        var read = BatchPredecessors.Recorded(Dependent(metadata), IsNumeric);

        Assert.Equal(["1", "2"], read["slurm-1"]);
        Assert.Equal(["3"], read["slurm-3"]);
    }

    [Fact]
    public void One_id_as_the_grid_engine_runner_first_wrote_it_reads_as_a_list_of_one()
    {
        var read = BatchPredecessors.Recorded(Dependent(new JsonObject { ["gridengine-12"] = "12" }), IsNumeric);

        Assert.Equal(["12"], read["gridengine-12"]);
    }

    [Fact]
    public void Ids_the_runner_would_not_take_are_left_out_and_a_predecessor_left_with_none_is_not_listed()
    {
        var recorded = new JsonObject
        {
            ["slurm-1"] = new JsonArray("1", "1; rm -rf /", 5, null),
            ["slurm-2"] = new JsonArray("--all"),
            ["slurm-3"] = new JsonArray(),
        };

        var read = BatchPredecessors.Recorded(Dependent(recorded), IsNumeric);

        Assert.Equal(["slurm-1"], read.Keys);

        // A number is read as its digits: an id written as a number is still the id.
        Assert.Equal(["1", "5"], read["slurm-1"]);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"4211\"")]
    public void A_record_of_ids_that_is_not_a_mapping_reads_as_none(string json)
    {
        Assert.Empty(BatchPredecessors.Recorded(Dependent(JsonNode.Parse(json)), IsNumeric));
    }

    [Fact]
    public void A_job_waiting_names_every_predecessor_it_waits_for()
    {
        var handle = Dependent(new JsonObject(), ("slurm-1", "ok"), ("slurm-2", "any"));
        var result = new JobStatusResult(handle, JobStatus.Pending) { Detail = new Dictionary<string, JsonNode?> { ["state"] = "PENDING" } };

        var explained = BatchPredecessors.Explain(result, handle, new HashSet<string>(), DependencyReading.Waiting, "Slurm", IsNumeric);

        Assert.Equal("waiting for slurm-1, slurm-2", Reason(explained));
        Assert.Equal("PENDING", explained.Detail["state"]!.ToString());
        Assert.False(result.Detail.ContainsKey("reason"));
    }

    [Fact]
    public void A_predecessor_seen_failing_is_named_when_the_scheduler_will_never_run_the_job()
    {
        var handle = Dependent(new JsonObject { ["slurm-1"] = new JsonArray("11"), ["slurm-2"] = new JsonArray("12") }, ("slurm-1", "ok"), ("slurm-2", "ok"));
        var result = new JobStatusResult(handle, JobStatus.Pending);

        var explained = BatchPredecessors.Explain(result, handle, new HashSet<string> { "12" }, DependencyReading.NeverSatisfied, "Slurm", IsNumeric);

        Assert.Equal("dependency slurm-2 failed; Slurm ends this job without running it", Reason(explained));
    }

    [Fact]
    public void A_predecessor_that_only_had_to_end_is_not_blamed_for_failing()
    {
        var handle = Dependent(new JsonObject { ["slurm-1"] = new JsonArray("11") }, ("slurm-1", "any"));
        var result = new JobStatusResult(handle, JobStatus.Pending);

        var explained = BatchPredecessors.Explain(result, handle, new HashSet<string> { "11" }, DependencyReading.NeverSatisfied, "Grid Engine", IsNumeric);

        Assert.Equal("a dependency can never be satisfied; Grid Engine ends this job without running it", Reason(explained));
    }

    [Fact]
    public void A_job_ended_unrun_names_the_predecessor_that_failed()
    {
        var handle = Dependent(new JsonObject { ["slurm-1"] = new JsonArray("11", "12") }, ("slurm-1", "ok"));
        var result = new JobStatusResult(handle, JobStatus.Failed);

        var explained = BatchPredecessors.Explain(result, handle, new HashSet<string> { "12" }, DependencyReading.EndedUnrun, "Slurm", IsNumeric);

        Assert.Equal("dependency slurm-1 failed (it did not run)", Reason(explained));
    }

    [Fact]
    public void A_job_ended_unrun_with_no_predecessor_seen_failing_names_those_that_had_to_succeed()
    {
        var handle = Dependent(new JsonObject(), ("slurm-1", "any"), ("slurm-2", "ok"));
        var result = new JobStatusResult(handle, JobStatus.Failed);

        var explained = BatchPredecessors.Explain(result, handle, new HashSet<string>(), DependencyReading.EndedUnrun, "Slurm", IsNumeric);

        Assert.Equal("dependency slurm-2 did not succeed: it was cancelled or never ran (it did not run)", Reason(explained));
    }

    [Fact]
    public void When_no_predecessor_had_to_succeed_every_one_is_named()
    {
        var handle = Dependent(new JsonObject(), ("slurm-1", "any"), ("slurm-2", "any"));
        var result = new JobStatusResult(handle, JobStatus.Failed);

        var explained = BatchPredecessors.Explain(result, handle, new HashSet<string>(), DependencyReading.EndedUnrun, "Slurm", IsNumeric);

        Assert.Equal("dependency slurm-1, slurm-2 did not succeed: it was cancelled or never ran (it did not run)", Reason(explained));
    }

    [Fact]
    public void Nothing_is_said_of_predecessors_when_the_scheduler_says_nothing_of_them_or_there_are_none()
    {
        var handle = Dependent(new JsonObject(), ("slurm-1", "ok"));
        var result = new JobStatusResult(handle, JobStatus.Pending);
        var alone = new JobStatusResult(Dependent(new JsonObject()), JobStatus.Pending);

        Assert.Same(result, BatchPredecessors.Explain(result, handle, new HashSet<string>(), DependencyReading.None, "Slurm", IsNumeric));
        Assert.Same(alone, BatchPredecessors.Explain(alone, alone, new HashSet<string>(), DependencyReading.Waiting, "Slurm", IsNumeric));
    }
}
