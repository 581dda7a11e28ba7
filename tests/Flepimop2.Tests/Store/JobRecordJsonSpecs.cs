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

/// <summary>The public record format: the original's JSON, and a round trip that changes nothing.</summary>
public sealed class JobRecordJsonSpecs
{
    private static readonly string[] Texts = ["", "a", "shell", "slurm", "12345", "x y", "é–ü", "\"quoted\"", "line\nbreak", "\u001b[31m", "$HOME", "'"];

    private static string Compact(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void A_status_result_reads_and_writes_back_exactly_as_the_original_wrote_it()
    {
        var original = File.ReadAllText(Path.Combine(TestPaths.Fixtures, "status_result.json")).Trim();

        var result = JobRecordJson.ReadStatusResult(original);

        Assert.Equal(JobStatus.Successful, result.Status);
        Assert.Equal("0", result.Detail["returncode"]!.ToJsonString());
        Assert.Equal(original, Compact(writer => JobRecordJson.Write(writer, result)));
    }

    [Fact]
    public void A_dry_run_reads_and_writes_back_exactly_as_the_original_wrote_it()
    {
        var original = File.ReadAllText(Path.Combine(TestPaths.Fixtures, "dry_run.json")).Trim();

        var dryRun = JobRecordJson.ReadDryRun(original);

        Assert.Equal("gpu", dryRun.Details["partition"]);
        Assert.Equal(original, Compact(writer => JobRecordJson.Write(writer, dryRun)));
    }

    [Fact]
    public void A_handle_of_the_original_reads_from_its_handle_file()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, ".flepimop2_cache", "job", "handles", "shell-6546.json")))!;

        var handle = JobRecordJson.ReadHandle(file["handle"]!.ToJsonString());

        Assert.Equal("shell-6546", handle.Key);
        Assert.Equal("detached", handle.MetadataText("mode"));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 13, 36, TimeSpan.Zero).AddTicks(8462280), handle.SubmittedAt);
    }

    [Theory]
    [InlineData("[]", "not a job handle: expected a JSON object")]
    [InlineData("{\"job_id\": \"1\"}", "not a job handle: expected job_id, backend and submitted_at")]
    [InlineData("{\"job_id\": \"1\", \"backend\": \"shell\", \"submitted_at\": \"yesterday\"}", "not a job handle: expected job_id, backend and submitted_at")]
    [InlineData("{\"job_id\": 1, \"backend\": \"shell\", \"submitted_at\": \"2026-01-01T00:00:00Z\"}", "not a job handle: expected job_id, backend and submitted_at")]
    [InlineData("{\"job_id\": \"1\", ", "not a job handle: not valid JSON")]
    public void Text_that_is_not_a_handle_is_one_clear_error(string json, string message)
    {
        var error = Assert.Throws<JobRecordException>(() => JobRecordJson.ReadHandle(json));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<Flepimop2Exception>(error);
    }

    private static Gen<JsonNode?> Values(int depth) =>
        depth == 0
            ? Gen.OneOf(
                Gen.Elements(Texts).Select(t => (JsonNode?)JsonValue.Create(t)),
                Gen.Choose(-1000, 1000).Select(n => (JsonNode?)JsonValue.Create(n)),
                Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)),
                Gen.Constant((JsonNode?)null))
            : Gen.OneOf(
                Values(0),
                Values(depth - 1).ListOf().Select(items => (JsonNode?)new JsonArray([.. items])),
                Maps(depth - 1).Select(map => (JsonNode?)new JsonObject(map)));

    private static Gen<Dictionary<string, JsonNode?>> Maps(int depth) =>
        Gen.Elements(Texts).Zip(Values(depth)).ListOf().Select(pairs => pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal));

    private static Gen<JobHandle> Handles() =>
        from jobId in Gen.Elements(Texts)
        from backend in Gen.Elements(Texts)
        from ticks in Gen.Choose(0, int.MaxValue).Select(n => (long)n * 1_000_000_0L / 10)
        from metadata in Maps(2)
        select new JobHandle(jobId, backend, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(ticks * 7))
        {
            Metadata = metadata,
        };

    private static bool Same(IReadOnlyDictionary<string, JsonNode?> a, IReadOnlyDictionary<string, JsonNode?> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && JsonNode.DeepEquals(kv.Value, other));

    private static bool Same(JobHandle a, JobHandle b) =>
        a.JobId == b.JobId && a.Backend == b.Backend && a.SubmittedAt == b.SubmittedAt && Same(a.Metadata, b.Metadata);

    [SeededProperty(MaxTest = 300)]
    public Property Any_handle_survives_a_json_round_trip_unchanged() =>
        Prop.ForAll(Handles().ToArbitrary(), handle => Same(handle, JobRecordJson.ReadHandle(JobRecordJson.Serialize(handle))));

    [SeededProperty(MaxTest = 300)]
    public Property Any_status_result_survives_a_json_round_trip_unchanged() =>
        Prop.ForAll(
            Handles().Zip(Gen.Elements(Enum.GetValues<JobStatus>())).Zip(Maps(2)).Select(t => new JobStatusResult(t.Item1.Item1, t.Item1.Item2) { Detail = t.Item2 }).ToArbitrary(),
            result =>
            {
                var back = JobRecordJson.ReadStatusResult(JobRecordJson.Serialize(result));
                return Same(result, back) && result.Status == back.Status && Same(result.Detail, back.Detail);
            });

    [SeededProperty(MaxTest = 300)]
    public Property Any_dry_run_survives_a_json_round_trip_unchanged() =>
        Prop.ForAll(
            Gen.Elements(Texts).Zip(Gen.Elements(Texts).Zip(Gen.Elements(Texts)).ListOf()).Select(t => new JobDryRun(t.Item1, t.Item2.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2))).ToArbitrary(),
            dryRun =>
            {
                var back = JobRecordJson.ReadDryRun(JobRecordJson.Serialize(dryRun));
                return back.Command == dryRun.Command && back.Details.Count == dryRun.Details.Count && dryRun.Details.All(kv => back.Details[kv.Key] == kv.Value);
            });

    [Fact]
    public void A_handle_is_written_with_its_key_first_when_asked_and_serialized_indented()
    {
        var handle = new JobHandle("a", "shell", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.Equal(
            "{\"key\":\"shell-a\",\"job_id\":\"a\",\"backend\":\"shell\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"metadata\":{}}",
            Compact(writer => JobRecordJson.Write(writer, handle, withKey: true)));
        Assert.Equal("{\n  \"job_id\": \"a\",\n  \"backend\": \"shell\",\n  \"submitted_at\": \"2026-01-02T03:04:05Z\",\n  \"metadata\": {}\n}", JobRecordJson.Serialize(handle));
        Assert.Equal("{\n  \"command\": \"x\",\n  \"details\": {}\n}", JobRecordJson.Serialize(new JobDryRun("x")));
    }

    [Theory]
    [InlineData("{\"job_id\": \"1\", \"backend\": \"shell\", \"submitted_at\": \"2026-01-01T00:00:00Z\"}", "not a job status: expected a status (pending, running, successful, failed or finished_unknown)")]
    [InlineData("{\"job_id\": \"1\", \"backend\": \"shell\", \"submitted_at\": \"2026-01-01T00:00:00Z\", \"status\": \"done\"}", "not a job status: expected a status (pending, running, successful, failed or finished_unknown)")]
    [InlineData("{\"status\": \"failed\"}", "not a job status: expected job_id, backend and submitted_at")]
    [InlineData("[1]", "not a job status: expected a JSON object")]
    [InlineData("{\n\"job_id\": ,", "not a job status: not valid JSON (line 2, byte 11)")]
    public void Text_that_is_not_a_status_result_is_one_clear_error(string json, string message)
    {
        Assert.Equal(message, Assert.Throws<JobRecordException>(() => JobRecordJson.ReadStatusResult(json)).Message);
    }

    [Theory]
    [InlineData("{\"details\": {}}", "not a dry run: expected a command")]
    [InlineData("{\"command\": \"x\", \"details\": {\"a\": [1]}}", "not a dry run: expected a text value for detail 'a'")]
    [InlineData("\"x\"", "not a dry run: expected a JSON object")]
    [InlineData("{\"command\": \"x\", \"details\": {\"a\": 1, \"b\": true}}", null)]
    public void Text_that_is_not_a_dry_run_is_one_clear_error(string json, string? message)
    {
        if (message is null)
        {
            var dryRun = JobRecordJson.ReadDryRun(json);
            Assert.Equal(["1", "true"], dryRun.Details.Values);
            return;
        }

        Assert.Equal(message, Assert.Throws<JobRecordException>(() => JobRecordJson.ReadDryRun(json)).Message);
    }

    [Fact]
    public void Trailing_commas_are_not_json()
    {
        Assert.Throws<JobRecordException>(() => JobRecordJson.ReadHandle("{\"job_id\": \"1\", \"backend\": \"shell\", \"submitted_at\": \"2026-01-01T00:00:00Z\",}"));
    }

    [Fact]
    public void Missing_arguments_are_argument_errors()
    {
        using var writer = new Utf8JsonWriter(new ArrayBufferWriter<byte>());
        var handle = new JobHandle("a", "shell", DateTimeOffset.UtcNow);

        Assert.Throws<ArgumentNullException>(() => JobRecordJson.Write(null!, handle));
        Assert.Throws<ArgumentNullException>(() => JobRecordJson.Write(writer, (JobHandle)null!));
        Assert.Throws<ArgumentNullException>(() => JobRecordJson.Write(null!, new JobDryRun("x")));
        Assert.Throws<ArgumentNullException>(() => JobRecordJson.Write(writer, (JobDryRun)null!));
        Assert.Throws<ArgumentNullException>(() => JobRecordJson.ReadHandle((string)null!));
    }
}
