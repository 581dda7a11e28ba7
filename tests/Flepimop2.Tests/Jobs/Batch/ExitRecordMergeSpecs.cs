using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// Each row of the table that puts a job's exit record and its scheduler's answer together: who decides the status, which
/// reason and source a user reads, and which figures come from where.
/// </summary>
public sealed class ExitRecordMergeSpecs
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static JobStatusResult Scheduler(JobStatus status, params (string Key, JsonNode? Value)[] detail) =>
        new(new JobHandle("4211", "slurm", Start.AddMinutes(-1)), status)
        {
            Detail = detail.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal),
        };

    private static ExitRecord Ended(int? code, int? signal = null, long? peak = null) =>
        new(Start, "node1", "flepimop2") { EndedAt = Start.AddSeconds(12.5), ExitCode = code, Signal = signal, PeakRssBytes = peak };

    private static ExitRecord StartedOnly => new(Start, "node1", "flepimop2");

    private static string? Text(JobStatusResult result, string key) => result.Detail.GetValueOrDefault(key)?.ToString();

    [Theory]
    [InlineData(JobStatus.Pending)]
    [InlineData(JobStatus.Running)]
    public void A_job_the_scheduler_lists_as_waiting_or_running_is_as_it_says_whatever_its_record(JobStatus status)
    {
        var scheduler = Scheduler(status, ("state", "RUNNING"));

        var merged = ExitRecordMerge.Merge(scheduler, listed: true, Ended(0), endedByScheduler: false);

        Assert.Same(scheduler, merged);
    }

    [Fact]
    public void Without_a_record_the_scheduler_answers_alone()
    {
        var scheduler = Scheduler(JobStatus.FinishedUnknown);

        Assert.Same(scheduler, ExitRecordMerge.Merge(scheduler, listed: false, record: null, endedByScheduler: false));
    }

    [Fact]
    public void A_job_the_scheduler_ended_itself_keeps_its_word_and_gains_the_records_figures()
    {
        var scheduler = Scheduler(JobStatus.Failed, ("state", "TIMEOUT"), ("reason", "it ran out of time"), ("exit_code", 143));

        var merged = ExitRecordMerge.Merge(scheduler, listed: false, Ended(0, peak: 2048), endedByScheduler: true);

        Assert.Equal(JobStatus.Failed, merged.Status);
        Assert.Equal("TIMEOUT", Text(merged, "state"));
        Assert.Equal("it ran out of time", Text(merged, "reason"));
        Assert.Equal(143, merged.Detail["exit_code"]!.GetValue<int>());
        Assert.Equal(2048, merged.Detail[JobDetailKeys.MaxRssBytes]!.GetValue<long>());
        Assert.Equal("node1", Text(merged, "host"));
        Assert.False(merged.Detail.ContainsKey("source"));
    }

    [Fact]
    public void The_records_address_space_peak_reaches_the_status_and_survives_its_file_while_a_damaged_one_reads_as_none()
    {
        var record = Ended(0) with { PeakVmemBytes = 3L << 30 };

        var merged = ExitRecordMerge.Merge(Scheduler(JobStatus.Successful), listed: false, ExitRecord.Parse(record.ToJson()), endedByScheduler: false);
        var damaged = ExitRecord.Parse("{\"started_at\":\"2026-12-05T10:00:00Z\",\"peak_vmem_bytes\":-5}"u8);

        Assert.Equal(3L << 30, merged.Detail[JobDetailKeys.PeakVmemBytes]!.GetValue<long>());
        Assert.NotNull(damaged);
        Assert.Null(damaged.PeakVmemBytes);
        Assert.DoesNotContain(damaged.Detail(), kv => kv.Key == JobDetailKeys.PeakVmemBytes);
    }

    [Fact]
    public void The_schedulers_own_figures_win_over_the_records()
    {
        var scheduler = Scheduler(JobStatus.Successful, ("host", "from-accounting"), (JobDetailKeys.ElapsedSeconds, 99.0));

        var merged = ExitRecordMerge.Merge(scheduler, listed: false, Ended(0), endedByScheduler: false);

        Assert.Equal("from-accounting", Text(merged, "host"));
        Assert.Equal(99.0, merged.Detail[JobDetailKeys.ElapsedSeconds]!.GetValue<double>());
    }

    [Theory]
    [InlineData(0, JobStatus.Successful)]
    [InlineData(3, JobStatus.Failed)]
    public void A_record_of_the_commands_end_decides_with_its_exit_code(int code, JobStatus expected)
    {
        var scheduler = Scheduler(JobStatus.FinishedUnknown, ("state", "UNKNOWN"), ("reason", "accounting is down"), ("signal", 9), ("source", "squeue"));

        var merged = ExitRecordMerge.Merge(scheduler, listed: false, Ended(code), endedByScheduler: false);

        Assert.Equal(expected, merged.Status);
        Assert.Equal(code, merged.Detail["exit_code"]!.GetValue<int>());
        Assert.Equal(12.5, merged.Detail[JobDetailKeys.ElapsedSeconds]!.GetValue<double>());
        Assert.False(merged.Detail.ContainsKey("signal"));
        Assert.False(merged.Detail.ContainsKey("reason"));
        Assert.False(merged.Detail.ContainsKey("state"));
        Assert.Equal("squeue, exit record", Text(merged, "source"));
    }

    [Fact]
    public void A_command_ended_by_a_signal_exits_as_a_shell_says_and_names_the_signal()
    {
        var merged = ExitRecordMerge.Merge(Scheduler(JobStatus.Running), listed: false, Ended(null, signal: 15), endedByScheduler: false);

        Assert.Equal(JobStatus.Failed, merged.Status);
        Assert.Equal(143, merged.Detail["exit_code"]!.GetValue<int>());
        Assert.Equal(15, merged.Detail["signal"]!.GetValue<int>());
        Assert.Equal("exit record", Text(merged, "source"));
    }

    [Fact]
    public void A_scheduler_that_said_how_a_job_ended_keeps_its_reason_when_the_record_decides()
    {
        var scheduler = Scheduler(JobStatus.Failed, ("state", "FAILED"), ("reason", "NonZeroExitCode"));

        var merged = ExitRecordMerge.Merge(scheduler, listed: false, Ended(5), endedByScheduler: false);

        Assert.Equal(JobStatus.Failed, merged.Status);
        Assert.Equal("FAILED", Text(merged, "state"));
        Assert.Equal("NonZeroExitCode", Text(merged, "reason"));
    }

    [Fact]
    public void A_record_with_a_start_and_no_end_of_a_job_no_longer_listed_says_it_was_killed_with_its_recorder()
    {
        var merged = ExitRecordMerge.Merge(Scheduler(JobStatus.FinishedUnknown, ("source", "sacct")), listed: false, StartedOnly, endedByScheduler: false);

        Assert.Equal(JobStatus.Failed, merged.Status);
        Assert.Equal(
            "it was killed with its exit recorder: its exit record has a start and no end, and the scheduler no longer lists it",
            Text(merged, "reason"));
        Assert.Equal("exit record", Text(merged, "source"));
        Assert.Equal("node1", Text(merged, "host"));
    }

    [Fact]
    public void A_record_with_no_end_of_a_job_the_scheduler_lists_as_ended_leaves_the_schedulers_word()
    {
        var scheduler = Scheduler(JobStatus.Successful, ("state", "COMPLETED"));

        var merged = ExitRecordMerge.Merge(scheduler, listed: true, StartedOnly, endedByScheduler: false);

        Assert.Equal(JobStatus.Successful, merged.Status);
        Assert.Equal("COMPLETED", Text(merged, "state"));
        Assert.Equal("node1", Text(merged, "host"));
        Assert.False(merged.Detail.ContainsKey("reason"));
    }

    [Fact]
    public void A_record_with_no_end_of_a_listed_job_whose_end_the_scheduler_does_not_know_was_killed_with_its_recorder()
    {
        var merged = ExitRecordMerge.Merge(Scheduler(JobStatus.FinishedUnknown), listed: true, StartedOnly, endedByScheduler: false);

        Assert.Equal(JobStatus.Failed, merged.Status);
        Assert.StartsWith("it was killed with its exit recorder", Text(merged, "reason"), StringComparison.Ordinal);
    }

    [Fact]
    public void Merging_leaves_the_schedulers_answer_as_it_was()
    {
        var scheduler = Scheduler(JobStatus.FinishedUnknown, ("reason", "accounting is down"));

        _ = ExitRecordMerge.Merge(scheduler, listed: false, Ended(0), endedByScheduler: false);

        Assert.Equal("accounting is down", Text(scheduler, "reason"));
        Assert.False(scheduler.Detail.ContainsKey("exit_code"));
    }
}
