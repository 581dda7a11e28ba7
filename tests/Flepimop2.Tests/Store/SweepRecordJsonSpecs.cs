using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Store;

/// <summary>A sweep's status in the public record format: <c>tasks</c> with its counts, failed indices and every task, read back equal.</summary>
public sealed class SweepRecordJsonSpecs
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly JobHandle Handle = new("4211", "slurm", At);

    private static string Compact(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JobStatusResult Small() => new(Handle, JobStatus.Running)
    {
        Detail = new Dictionary<string, JsonNode?> { ["state"] = "RUNNING" },
        Sweep = new SweepStatus([
            new SweepTaskStatus(0, JobStatus.Successful) { ExitCode = 0, BackendId = "4211_0", Detail = new Dictionary<string, JsonNode?> { ["returncode"] = 0 } },
            new SweepTaskStatus(1, JobStatus.Failed) { ExitCode = 3, BackendId = "4211_1" },
            new SweepTaskStatus(2, JobStatus.FinishedUnknown),
            new SweepTaskStatus(3, JobStatus.Running) { BackendId = "4211_3" },
        ]),
    };

    private const string SmallJson =
        "{\"job_id\":\"4211\",\"backend\":\"slurm\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"metadata\":{},\"status\":\"running\",\"detail\":{\"state\":\"RUNNING\"}," +
        "\"tasks\":{\"total\":4,\"successful\":1,\"failed\":1,\"finished_unknown\":1,\"running\":1,\"pending\":0,\"failed_indices\":[1,2]," +
        "\"list\":[{\"index\":0,\"status\":\"successful\",\"exit_code\":0,\"job_id\":\"4211_0\"},{\"index\":1,\"status\":\"failed\",\"exit_code\":3,\"job_id\":\"4211_1\"}," +
        "{\"index\":2,\"status\":\"finished_unknown\"},{\"index\":3,\"status\":\"running\",\"job_id\":\"4211_3\"}]}}";

    private static string Tasks(JobStatusResult result) =>
        string.Join(' ', result.Sweep!.Tasks.Select(t => $"{t.Index}:{t.Status.ToWireName()}:{t.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}:{t.BackendId ?? "-"}"));

    [Fact]
    public void A_sweeps_status_is_written_with_its_counts_failed_indices_and_every_task()
    {
        Assert.Equal(SmallJson, Compact(writer => JobRecordJson.Write(writer, Small())));
    }

    [Fact]
    public void A_sweeps_status_is_serialized_indented_with_the_same_fields()
    {
        const string Expected = """
            {
              "job_id": "4211",
              "backend": "slurm",
              "submitted_at": "2026-01-02T03:04:05Z",
              "metadata": {},
              "status": "running",
              "detail": {
                "state": "RUNNING"
              },
              "tasks": {
                "total": 4,
                "successful": 1,
                "failed": 1,
                "finished_unknown": 1,
                "running": 1,
                "pending": 0,
                "failed_indices": [
                  1,
                  2
                ],
                "list": [
                  {
                    "index": 0,
                    "status": "successful",
                    "exit_code": 0,
                    "job_id": "4211_0"
                  },
                  {
                    "index": 1,
                    "status": "failed",
                    "exit_code": 3,
                    "job_id": "4211_1"
                  },
                  {
                    "index": 2,
                    "status": "finished_unknown"
                  },
                  {
                    "index": 3,
                    "status": "running",
                    "job_id": "4211_3"
                  }
                ]
              }
            }
            """;

        Assert.Equal(Expected.ReplaceLineEndings("\n"), JobRecordJson.Serialize(Small()));
    }

    [Fact]
    public void A_sweeps_status_reads_back_with_every_task()
    {
        var back = JobRecordJson.ReadStatusResult(SmallJson);

        Assert.Equal(JobStatus.Running, back.Status);
        Assert.Equal("slurm-4211", back.Key);
        Assert.Equal("0:successful:0:4211_0 1:failed:3:4211_1 2:finished_unknown:-:- 3:running:-:4211_3", Tasks(back));
        Assert.Equal([1, 2], back.Sweep!.FailedIndices);
        Assert.Equal(new SweepCounts(4, 1, 1, 1, 1, 0), back.Sweep.Counts());
        Assert.Equal(SmallJson, Compact(writer => JobRecordJson.Write(writer, back)));
    }

    [Fact]
    public void Each_task_carries_the_figures_of_what_it_used_and_its_advice_and_reads_them_back()
    {
        var sweep = new JobStatusResult(Handle, JobStatus.Failed)
        {
            Sweep = new SweepStatus([
                new SweepTaskStatus(0, JobStatus.Successful)
                {
                    ExitCode = 0,
                    BackendId = "4211_0",
                    Detail = new Dictionary<string, JsonNode?>
                    {
                        ["state"] = "COMPLETED", ["elapsed"] = "00:00:03", ["elapsed_seconds"] = 3, ["time_limit_seconds"] = 300, ["alloc_cpus"] = 1,
                        ["req_mem_bytes"] = 52428800, ["max_rss_bytes"] = 28459008, ["mem_efficiency"] = 0.5428, ["cpu_efficiency"] = 0.008, ["source"] = "sacct",
                    },
                },
                new SweepTaskStatus(1, JobStatus.Failed)
                {
                    ExitCode = 0,
                    BackendId = "4211_1",
                    Detail = new Dictionary<string, JsonNode?> { ["max_rss_bytes"] = 329912320, ["restarts"] = 1, ["retry"] = new JsonObject { ["memory"] = "512M" } },
                },
            ]),
        };

        var json = Compact(writer => JobRecordJson.Write(writer, sweep));
        var back = JobRecordJson.ReadStatusResult(json);

        Assert.Contains(
            "\"list\":[{\"index\":0,\"status\":\"successful\",\"exit_code\":0,\"job_id\":\"4211_0\",\"elapsed_seconds\":3,\"time_limit_seconds\":300,\"alloc_cpus\":1," +
            "\"req_mem_bytes\":52428800,\"max_rss_bytes\":28459008,\"mem_efficiency\":0.5428,\"cpu_efficiency\":0.008}," +
            "{\"index\":1,\"status\":\"failed\",\"exit_code\":0,\"job_id\":\"4211_1\",\"max_rss_bytes\":329912320,\"restarts\":1,\"retry\":{\"memory\":\"512M\"}}]",
            json,
            StringComparison.Ordinal);
        Assert.Equal(
            ["elapsed_seconds", "time_limit_seconds", "alloc_cpus", "req_mem_bytes", "max_rss_bytes", "mem_efficiency", "cpu_efficiency"],
            back.Sweep!.Tasks[0].Detail.Keys);
        Assert.Equal("512M", back.Sweep.Tasks[1].Detail["retry"]!["memory"]!.GetValue<string>());
        Assert.Equal(json, Compact(writer => JobRecordJson.Write(writer, back)));
    }

    [Fact]
    public void An_ordinary_jobs_status_has_no_tasks_and_reads_back_without_a_sweep()
    {
        var plain = new JobStatusResult(Handle, JobStatus.Failed) { Detail = new Dictionary<string, JsonNode?> { ["returncode"] = 1 } };

        var json = Compact(writer => JobRecordJson.Write(writer, plain));

        Assert.Equal("{\"job_id\":\"4211\",\"backend\":\"slurm\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"metadata\":{},\"status\":\"failed\",\"detail\":{\"returncode\":1}}", json);
        Assert.Null(JobRecordJson.ReadStatusResult(json).Sweep);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("3")]
    [InlineData("\"all\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"total\": 3, \"failed_indices\": [1]}")]
    [InlineData("{\"list\": {}}")]
    [InlineData("{\"list\": \"x\"}")]
    public void Tasks_without_a_list_read_as_no_sweep(string tasks)
    {
        var result = JobRecordJson.ReadStatusResult(Status(tasks));

        Assert.Null(result.Sweep);
        Assert.Equal(JobStatus.Failed, result.Status);
    }

    [Fact]
    public void The_tasks_are_read_from_the_list_not_from_the_counts()
    {
        var result = JobRecordJson.ReadStatusResult(Status("{\"total\": 99, \"successful\": 99, \"failed_indices\": [7], \"list\": [{\"index\": 0, \"status\": \"failed\", \"exit_code\": 2}]}"));

        Assert.Equal("0:failed:2:-", Tasks(result));
        Assert.Equal(new SweepCounts(1, 0, 1, 0, 0, 0), result.Sweep!.Counts());
    }

    [Theory]
    [InlineData("[3]")]
    [InlineData("[null]")]
    [InlineData("[{\"status\": \"failed\"}]")]
    [InlineData("[{\"index\": 0}]")]
    [InlineData("[{\"index\": 0, \"status\": \"done\"}]")]
    [InlineData("[{\"index\": 0, \"status\": 1}]")]
    [InlineData("[{\"index\": \"zero\", \"status\": \"failed\"}]")]
    [InlineData("[{\"index\": 0.5, \"status\": \"failed\"}]")]
    [InlineData("[{\"index\": 0, \"status\": \"failed\"}, {\"index\": 1}]")]
    public void A_task_without_an_index_and_a_status_is_one_clear_error(string list)
    {
        var error = Assert.Throws<JobRecordException>(() => JobRecordJson.ReadStatusResult(Status($"{{\"list\": {list}}}")));

        Assert.Equal("not a job status: expected tasks with an index and a status", error.Message);
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("4294967297")]
    [InlineData("2147483648")]
    [InlineData("9223372036854775807")]
    public void A_task_index_that_is_not_a_task_of_a_sweep_is_one_clear_error_not_another_task(string index)
    {
        // An index outside 0 to int.MaxValue cannot be a task; it must not wrap around into another task's.
        var error = Assert.Throws<JobRecordException>(() => JobRecordJson.ReadStatusResult(Status($"{{\"list\": [{{\"index\": {index}, \"status\": \"failed\"}}]}}")));

        Assert.Equal("not a job status: expected tasks with an index and a status", error.Message);
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("4294967299")]
    [InlineData("-4294967296")]
    [InlineData("9223372036854775807")]
    [InlineData("\"x\"")]
    [InlineData("null")]
    [InlineData("1.5")]
    public void An_exit_code_that_no_process_can_have_is_read_as_none_not_as_another_code(string code)
    {
        // 4294967296 wraps to 0 when cut to 32 bits: a failed task must not read back as one that exited 0.
        var result = JobRecordJson.ReadStatusResult(Status($"{{\"list\": [{{\"index\": 0, \"status\": \"failed\", \"exit_code\": {code}}}]}}"));

        Assert.Null(result.Sweep!.Tasks[0].ExitCode);
    }

    private static Gen<SweepStatus> Sweeps() =>
        (from status in Gen.Elements(Enum.GetValues<JobStatus>())
         from code in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(-1, 255).Select(c => (int?)c), Gen.Elements(new int?[] { int.MinValue, int.MaxValue }))
         from id in Gen.Elements(new string?[] { null, string.Empty, "4211_7", "é–ü", "a\nb", "\u001b[31m" })
         select (Status: status, Code: code, Id: id))
        .NonEmptyListOf()
        .Select(parts => new SweepStatus([.. parts.Select((p, i) => new SweepTaskStatus(i, p.Status) { ExitCode = p.Code, BackendId = p.Id })]));

    [SeededProperty(MaxTest = 200)]
    public Property Any_sweeps_status_survives_a_json_round_trip_unchanged() =>
        Prop.ForAll(Sweeps().ToArbitrary(), sweep =>
        {
            var result = new JobStatusResult(Handle, sweep.Overall) { Sweep = sweep };
            var back = JobRecordJson.ReadStatusResult(JobRecordJson.Serialize(result)).Sweep!;
            return back.Tasks.Count == sweep.Tasks.Count
                && back.Tasks.Zip(sweep.Tasks).All(p => p.First.Index == p.Second.Index && p.First.Status == p.Second.Status && p.First.ExitCode == p.Second.ExitCode && p.First.BackendId == p.Second.BackendId)
                && back.Counts() == sweep.Counts()
                && back.FailedIndices.SequenceEqual(sweep.FailedIndices);
        });

    private static string Status(string tasks) =>
        $"{{\"job_id\": \"4211\", \"backend\": \"slurm\", \"submitted_at\": \"2026-01-02T03:04:05Z\", \"status\": \"failed\", \"detail\": {{}}, \"tasks\": {tasks}}}";
}
