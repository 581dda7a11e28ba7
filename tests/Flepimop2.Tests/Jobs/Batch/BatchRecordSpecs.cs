using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// What a scheduler job's handle records of its submission and of its sweep's units: written and read back field for field,
/// and an entry no sweep can have is left out rather than trusted.
/// </summary>
public sealed class BatchRecordSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static JobHandle With(IReadOnlyDictionary<string, JsonNode?> metadata) => new("4211", "slurm", At) { Metadata = metadata };

    private static bool IsNumeric(string id) => id.Length > 0 && id.All(char.IsAsciiDigit);

    [Fact]
    public void Every_field_of_the_record_reads_back_as_written()
    {
        var record = new BatchRecord("s.sh", "fit", "/work", "o.log", "e.log", "o_%a.log", "e_%a.log", "tasks.bin", "east", "/work/run");

        var metadata = record.ToMetadata();

        Assert.Equal(
            ["script", "task_table", "job_name", "chdir", "output", "error", "output_pattern", "error_pattern", "cluster", "run_dir"],
            metadata.Keys);
        Assert.Equal(record, BatchRecord.Of(With(metadata)));
        Assert.Equal("east", BatchRecord.ClusterOf(With(metadata)));
    }

    [Fact]
    public void What_is_null_is_left_out_of_the_metadata_and_reads_back_as_null()
    {
        var record = new BatchRecord("s.sh", null, "/work");

        var metadata = record.ToMetadata();

        Assert.Equal(["script", "chdir"], metadata.Keys);
        Assert.Equal(record, BatchRecord.Of(With(metadata)));
    }

    [Fact]
    public void A_field_that_is_not_text_reads_as_null()
    {
        var read = BatchRecord.Of(With(new Dictionary<string, JsonNode?> { ["script"] = new JsonObject { ["path"] = "s.sh" }, ["chdir"] = new JsonArray("x"), ["job_name"] = "fit" }));

        Assert.Equal(new BatchRecord(null, "fit", null), read);
    }

    [Fact]
    public void The_exit_record_of_a_job_and_of_each_task_is_in_the_run_directory()
    {
        var record = new BatchRecord(null, null, null, RunDirectory: "/work/run");

        Assert.Equal("/work/run/exit.json", record.ExitRecordPath(null));
        Assert.Equal("/work/run/exit/12.json", record.ExitRecordPath(12));
        Assert.Null(new BatchRecord(null, null, null).ExitRecordPath(0));
    }

    [Fact]
    public void A_sweep_is_split_into_units_no_larger_than_the_largest_array()
    {
        var plan = BatchUnit.Plan(120, 50);

        Assert.Equal([new BatchUnit(string.Empty, 0, 50), new BatchUnit(string.Empty, 50, 50), new BatchUnit(string.Empty, 100, 20)], plan);
        Assert.True(plan[2].Holds(100));
        Assert.True(plan[2].Holds(119));
        Assert.False(plan[2].Holds(99));
        Assert.False(plan[2].Holds(120));
    }

    [Fact]
    public void Units_read_back_as_written()
    {
        BatchUnit[] units = [new("4211", 0, 50), new("4212", 50, 1)];

        Assert.Equal(units, BatchUnit.Read(With(new Dictionary<string, JsonNode?> { [BatchUnit.Key] = BatchUnit.ToJson(units) }), IsNumeric));
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(JobRequest.MaxTasks - 1, 1, true)]
    [InlineData(0, JobRequest.MaxTasks, true)]
    [InlineData(-1, 1, false)]
    [InlineData(JobRequest.MaxTasks, 1, false)]
    [InlineData(0, 0, false)]
    [InlineData(0, JobRequest.MaxTasks + 1, false)]
    public void A_unit_whose_numbers_no_sweep_can_have_is_left_out(long first, long count, bool kept)
    {
        var arrays = new JsonArray(new JsonObject { ["job_id"] = "4211", ["first"] = first, ["count"] = count });

        var read = BatchUnit.Read(With(new Dictionary<string, JsonNode?> { [BatchUnit.Key] = arrays }), IsNumeric);

        Assert.Equal(kept ? [new BatchUnit("4211", (int)first, (int)count)] : [], read);
    }

    [Fact]
    public void A_unit_whose_id_the_runner_refuses_is_left_out()
    {
        var arrays = new JsonArray(
            new JsonObject { ["job_id"] = "--all", ["first"] = 0, ["count"] = 1 },
            new JsonObject { ["job_id"] = "4212", ["first"] = 1, ["count"] = 1 },
            "4213");

        Assert.Equal([new BatchUnit("4212", 1, 1)], BatchUnit.Read(With(new Dictionary<string, JsonNode?> { [BatchUnit.Key] = arrays }), IsNumeric));
    }
}
