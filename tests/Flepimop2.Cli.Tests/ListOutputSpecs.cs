using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Cli.Output;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Tests;

/// <summary>How <c>job list</c> writes a job: its line, and its JSON.</summary>
public sealed class ListOutputSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset At = T0;

    [Fact]
    public void A_listed_job_is_written_with_its_key_status_and_detail_when_asked()
    {
        var entry = new JobSummaryEntry("shell-a", "shell", "a", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), JobStatus.Running);
        var asked = new TrackedJob(entry, JobStatus.Failed, new JobStatusResult(new JobHandle("a", "shell", DateTimeOffset.UtcNow), JobStatus.Failed) { Detail = new Dictionary<string, JsonNode?> { ["returncode"] = 3 } });
        var unknown = new TrackedJob(entry, null, null);

        Assert.Equal(
            "{\"key\":\"shell-a\",\"backend\":\"shell\",\"job_id\":\"a\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"status\":\"failed\",\"detail\":{\"returncode\":3}}",
            Compact(writer => JsonOutput.WriteListed(writer, asked)));
        Assert.Equal(
            "{\"key\":\"shell-a\",\"backend\":\"shell\",\"job_id\":\"a\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"status\":\"unknown\"}",
            Compact(writer => JsonOutput.WriteListed(writer, unknown)));
    }

    [Fact]
    public void A_listed_job_prints_as_one_line_with_its_status_or_unknown()
    {
        var known = new TrackedJob(new JobSummaryEntry("shell-a", "shell", "a", T0, JobStatus.Running), JobStatus.Successful, null);
        var hostile = new TrackedJob(new JobSummaryEntry("shell-x", "sh\nell", "x\u001by", T0, null), null, null);
        var buffer = new StringWriter { NewLine = "\n" };

        ListLine.Write(buffer, known);
        ListLine.Write(buffer, hostile);

        Assert.Equal("shell-a submitted_at=2026-01-02T03:04:05 status=successful", known.ToString());
        Assert.Equal("sh\\nell-x\\x1by submitted_at=2026-01-02T03:04:05 status=unknown", hostile.ToString());
        Assert.Equal($"{known}\n{hostile}\n", buffer.ToString());
        Assert.Throws<ArgumentNullException>(() => ListLine.Write(null!, known));
    }

    [Fact]
    public void A_listed_sweep_is_written_with_its_counts()
    {
        var entry = new JobSummaryEntry("shell-a", "shell", "a", At, JobStatus.Running) { Tasks = new SweepCounts(3, 1, 0, 0, 2, 0) };
        var fresh = new JobStatusResult(new JobHandle("a", "shell", At), JobStatus.Failed)
        {
            Sweep = new SweepStatus([new SweepTaskStatus(0, JobStatus.Successful), new SweepTaskStatus(1, JobStatus.Failed), new SweepTaskStatus(2, JobStatus.Successful)]),
        };

        Assert.Equal(
            "{\"key\":\"shell-a\",\"backend\":\"shell\",\"job_id\":\"a\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"status\":\"running\"," +
            "\"tasks\":{\"total\":3,\"successful\":1,\"failed\":0,\"finished_unknown\":0,\"running\":2,\"pending\":0}}",
            Compact(writer => JsonOutput.WriteListed(writer, new TrackedJob(entry, JobStatus.Running, null))));
        Assert.Equal(
            "{\"key\":\"shell-a\",\"backend\":\"shell\",\"job_id\":\"a\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"status\":\"failed\",\"detail\":{}," +
            "\"tasks\":{\"total\":3,\"successful\":2,\"failed\":1,\"finished_unknown\":0,\"running\":0,\"pending\":0}}",
            Compact(writer => JsonOutput.WriteListed(writer, new TrackedJob(entry, JobStatus.Failed, fresh))));
        Assert.Equal(
            "{\"key\":\"shell-a\",\"backend\":\"shell\",\"job_id\":\"a\",\"submitted_at\":\"2026-01-02T03:04:05Z\",\"status\":\"unknown\"}",
            Compact(writer => JsonOutput.WriteListed(writer, new TrackedJob(entry with { Tasks = null }, null, null))));
    }

    [Fact]
    public void A_listed_sweeps_line_ends_with_its_counts_as_its_text_does()
    {
        var job = new TrackedJob(new JobSummaryEntry("shell-a", "shell", "a", T0, JobStatus.Running) { Tasks = new SweepCounts(3, 1, 0, 0, 2, 0) }, JobStatus.Running, null);
        var buffer = new StringWriter { NewLine = "\n" };

        ListLine.Write(buffer, job);

        Assert.Equal("shell-a submitted_at=2026-01-02T03:04:05 status=running tasks=3 successful=1 running=2\n", buffer.ToString());
        Assert.Equal(job + "\n", buffer.ToString());
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
