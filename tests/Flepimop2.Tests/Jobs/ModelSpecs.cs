using System.Buffers;
using System.Text;
using System.Text.Json;
using Flepimop2.Jobs;

namespace Flepimop2.Tests.Jobs;

public sealed class ModelSpecs
{
    private static readonly DateTimeOffset At = new(2026, 5, 26, 20, 56, 24, 480, TimeSpan.Zero);

    [Fact]
    public void A_handle_prints_as_backend_dash_id_and_the_submission_second()
    {
        var handle = new JobHandle("4242", "shell", At);

        Assert.Equal("shell-4242 submitted_at=2026-05-26T20:56:24", handle.ToString());
        Assert.Equal("shell-4242", handle.Key);
    }

    [Fact]
    public void A_handle_stores_its_submission_time_in_utc_to_the_microsecond()
    {
        var local = new DateTimeOffset(2026, 5, 26, 22, 56, 24, TimeSpan.FromHours(2)).AddTicks(1234567);

        var handle = new JobHandle("1", "shell", local);

        Assert.Equal(TimeSpan.Zero, handle.SubmittedAt.Offset);
        Assert.Equal(local.UtcDateTime.AddTicks(-7), handle.SubmittedAt.UtcDateTime);
        Assert.Equal("shell-1 submitted_at=2026-05-26T20:56:24", handle.ToString());
    }

    [Fact]
    public void A_status_result_appends_its_status()
    {
        var result = new JobStatusResult(new JobHandle("7", "slurm", At), JobStatus.FinishedUnknown);

        Assert.Equal("slurm-7 submitted_at=2026-05-26T20:56:24 status=finished_unknown", result.ToString());
    }

    [Theory]
    [InlineData(JobStatus.Pending, "pending", false)]
    [InlineData(JobStatus.Running, "running", false)]
    [InlineData(JobStatus.Successful, "successful", true)]
    [InlineData(JobStatus.Failed, "failed", true)]
    [InlineData(JobStatus.FinishedUnknown, "finished_unknown", true)]
    public void Each_status_has_its_wire_name_and_knows_whether_it_is_finished(JobStatus status, string name, bool finished)
    {
        Assert.Equal(name, status.ToWireName());
        Assert.Equal(finished, status.IsFinished());
        Assert.True(JobStatusExtensions.TryParseWireName(name, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Fact]
    public void An_unknown_status_name_does_not_parse()
    {
        Assert.False(JobStatusExtensions.TryParseWireName("done", out _));
        Assert.False(JobStatusExtensions.TryParseWireName(null, out _));
    }

    [Fact]
    public void One_validation_issue_reads_as_one_issue_with_its_context()
    {
        var error = new Flepimop2ValidationException(
            [new ValidationIssue("'sbatch' was not found on PATH", "missing_executable", new Dictionary<string, string> { ["executable"] = "sbatch", ["path"] = "/usr/bin" })]);

        Assert.Equal(
            "1 validation issue encountered:\n- [missing_executable] 'sbatch' was not found on PATH (executable=sbatch, path=/usr/bin)",
            error.Message);
    }

    [Fact]
    public void Several_validation_issues_read_as_one_line_each()
    {
        var error = new Flepimop2ValidationException(
        [
            new ValidationIssue("first", "kind_a"),
            new ValidationIssue("second", "kind_b", new Dictionary<string, string> { ["k"] = "v" }),
        ]);

        Assert.Equal("2 validation issues encountered:\n- [kind_a] first\n- [kind_b] second (k=v)", error.Message);
        Assert.IsAssignableFrom<Flepimop2Exception>(error);
    }

    [Theory]
    [InlineData("c.yaml", "jobs.hpc", "memory", "c.yaml: jobs.hpc.memory: bad")]
    [InlineData("c.yaml", "jobs", null, "c.yaml: jobs: bad")]
    [InlineData(null, null, "memory", "memory: bad")]
    [InlineData(null, null, null, "bad")]
    public void A_configuration_error_names_file_entry_and_field(string? file, string? entry, string? field, string message)
    {
        Assert.Equal(message, new Flepimop2ConfigurationException("bad", file, entry, field).Message);
    }

    private static string Compact(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
