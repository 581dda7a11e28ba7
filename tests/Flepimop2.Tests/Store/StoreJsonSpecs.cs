using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;

namespace Flepimop2.Tests.Store;

/// <summary>Reading the store's files: what is taken, what is skipped, and what each problem says.</summary>
public sealed class StoreJsonSpecs
{
    private static (List<JobSummaryEntry> Entries, List<string> Problems) Parse(string json)
    {
        var problems = new List<string>();
        return (StoreJson.ParseSummary(Encoding.UTF8.GetBytes(json), problems), problems);
    }

    private static string Entry(string key, string backend, string id, string at = "2026-01-01T00:00:00Z", string status = "null") =>
        $"{{\"key\": \"{key}\", \"backend\": \"{backend}\", \"job_id\": \"{id}\", \"submitted_at\": \"{at}\", \"status\": {status}}}";

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("{}", "expected a JSON array of job entries")]
    [InlineData("[", "not valid JSON (line 1, byte 2): cut short or not JSON")]
    [InlineData("[\n  {\"key\": }", "not valid JSON (line 2, byte 11): cut short or not JSON")]
    public void A_summary_that_is_not_an_array_of_entries_says_why(string json, string problem)
    {
        var (entries, problems) = Parse(json);

        Assert.Empty(entries);
        Assert.Equal([problem], problems);
    }

    [Fact]
    public void Entries_that_are_not_job_entries_are_skipped_and_named_by_position()
    {
        var (entries, problems) = Parse("[" + string.Join(", ", [
            Entry("shell-a", "shell", "a"),
            "5",
            "{\"key\": \"shell-b\", \"backend\": \"shell\", \"job_id\": \"b\"}",
            "{\"key\": \"shell-c\", \"backend\": \"shell\", \"job_id\": 3, \"submitted_at\": \"2026-01-01T00:00:00Z\"}",
            "{\"key\": \"shell-d\", \"backend\": \"shell\", \"submitted_at\": \"2026-01-01T00:00:00Z\"}",
            "{\"key\": \"shell-e\", \"job_id\": \"e\", \"submitted_at\": \"2026-01-01T00:00:00Z\"}",
            "{\"backend\": \"shell\", \"job_id\": \"f\", \"submitted_at\": \"2026-01-01T00:00:00Z\"}",
            Entry("slurm-7", "slurm", "7"),
        ]) + "]");

        Assert.Equal(["shell-a", "slurm-7"], entries.Select(e => e.Key));
        Assert.Equal(["shell", "slurm"], entries.Select(e => e.Backend));
        Assert.Equal(
            ["entry 1 is not a job entry (key, backend, job_id, submitted_at)", "entry 2 is not a job entry (key, backend, job_id, submitted_at)",
             "entry 3 is not a job entry (key, backend, job_id, submitted_at)", "entry 4 is not a job entry (key, backend, job_id, submitted_at)",
             "entry 5 is not a job entry (key, backend, job_id, submitted_at)", "entry 6 is not a job entry (key, backend, job_id, submitted_at)"],
            problems);
    }

    [Theory]
    [InlineData("\"pending\"", JobStatus.Pending)]
    [InlineData("\"running\"", JobStatus.Running)]
    [InlineData("\"successful\"", JobStatus.Successful)]
    [InlineData("\"failed\"", JobStatus.Failed)]
    [InlineData("\"finished_unknown\"", JobStatus.FinishedUnknown)]
    [InlineData("\"done\"", null)]
    [InlineData("null", null)]
    [InlineData("1", null)]
    public void Every_status_name_is_read_and_anything_else_is_no_status(string status, JobStatus? expected)
    {
        var (entries, problems) = Parse($"[{Entry("shell-a", "shell", "a", status: status)}]");

        Assert.Empty(problems);
        Assert.Equal(expected, Assert.Single(entries).Status);
    }

    [Theory]
    [InlineData("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z")]
    [InlineData("2026-01-02T03:04:05.123456Z", "2026-01-02T03:04:05.123456Z")]
    [InlineData("\\u0032026-01-02T03:04:05Z", "2026-01-02T03:04:05Z")]
    [InlineData("2026-01-02T03:04:05+01:00", "2026-01-02T02:04:05Z")]
    [InlineData("2026-01-02T03:04:05", "2026-01-02T03:04:05Z")]
    public void Times_are_read_in_the_form_both_programs_write_and_in_other_iso_forms(string written, string read)
    {
        var (entries, _) = Parse($"[{Entry("shell-a", "shell", "a", written)}]");

        Assert.Equal(read, Flepimop2.Internal.IsoTime.Format(Assert.Single(entries).SubmittedAt));
    }

    [Fact]
    public void Values_the_summary_does_not_use_are_skipped_whatever_their_kind()
    {
        var (entries, problems) = Parse("[{\"extra\": {\"a\": [1, {\"b\": 2}]}, \"key\": \"shell-a\", \"list\": [1], \"backend\": \"shell\", \"n\": 5, \"job_id\": \"a\", \"submitted_at\": \"2026-01-01T00:00:00Z\", \"status\": \"failed\"}]");

        Assert.Empty(problems);
        Assert.Equal(JobStatus.Failed, Assert.Single(entries).Status);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("{\"key\": ", "not valid JSON (line 1, byte 9): cut short or not JSON")]
    [InlineData("{\"key\": \"shell-a\", \"handle\": {}, }", "not valid JSON (line 1, byte 34): cut short or not JSON")]
    [InlineData("[]", "not a flepimop2 job handle file (expected 'key', 'handle' with job_id, backend, submitted_at)")]
    [InlineData("{\"key\": \"shell-a\"}", "not a flepimop2 job handle file (expected 'key', 'handle' with job_id, backend, submitted_at)")]
    [InlineData("{\"key\": 1, \"handle\": {\"job_id\": \"a\", \"backend\": \"shell\", \"submitted_at\": \"2026-01-01T00:00:00Z\"}}", "not a flepimop2 job handle file (expected 'key', 'handle' with job_id, backend, submitted_at)")]
    public void A_file_that_is_not_a_handle_file_says_why(string json, string problem)
    {
        StoreJson.ParseHandleFile(Encoding.UTF8.GetBytes(json), out var found);

        Assert.Equal(problem, found);
    }

    [Fact]
    public void A_handle_files_configuration_can_be_kept_anywhere_after_reading()
    {
        var job = StoreJson.ParseHandleFile(
            Encoding.UTF8.GetBytes("{\"key\": \"shell-a\", \"handle\": {\"job_id\": \"a\", \"backend\": \"shell\", \"submitted_at\": \"2026-01-01T00:00:00Z\"}, \"job_config\": {\"module\": \"shell\"}}"),
            out var problem);

        var holder = new JsonObject { ["config"] = job.JobConfig };

        Assert.Null(problem);
        Assert.Equal("shell", holder["config"]!["module"]!.GetValue<string>());
        Assert.Empty(job.Handle.Metadata);
    }
}
