using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// Each case of a packed task's status: its array task runs other tasks too, so only its own exit record and cancel mark
/// say how it ended; the array task's answer says whether its turn may still come, and how the scheduler ended it.
/// </summary>
public sealed class PackedTaskStatusSpecs
{
    private const string Id = "4211_3";
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_task_whose_record_ended_is_decided_by_it_while_its_array_task_still_runs_and_takes_none_of_its_figures()
    {
        var element = Element(JobStatus.Running, ("state", "RUNNING"), ("exit_code", 0), (JobDetailKeys.ElapsedSeconds, 300), (JobDetailKeys.MaxRssBytes, 900_000_000));

        var ok = Decide(element, listed: true, Ended(0, peak: 5_000_000));
        var failed = Decide(element, listed: true, Ended(3));

        Assert.Equal(JobStatus.Successful, ok.Status);
        Assert.Equal("5000000", Text(ok, JobDetailKeys.MaxRssBytes));
        Assert.Equal("12.5", Text(ok, JobDetailKeys.ElapsedSeconds));
        Assert.Equal(Id, Text(ok, "job_id"));
        Assert.Null(Text(ok, "state"));
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("3", Text(failed, "exit_code"));
        Assert.Equal("exit record", Text(failed, "source"));
    }

    [Fact]
    public void A_task_whose_record_only_started_runs_while_its_array_task_runs_and_takes_the_schedulers_word_when_it_was_ended()
    {
        var running = Decide(Element(JobStatus.Running, ("state", "RUNNING")), listed: true, Started);
        var advice = new JsonObject { [JobDetailKeys.RetryTime] = "0-01:00:00" };
        var timedOut = Decide(Element(JobStatus.Failed, ("state", "TIMEOUT"), ("reason", "it ran past its time limit"), ("exit_code", 0), (JobDetailKeys.Retry, advice), (JobDetailKeys.TimeLimitSeconds, 1800)), listed: false, Started, endedByScheduler: true);
        var killed = Decide(Element(JobStatus.Failed, ("state", "FAILED"), ("exit_code", 3)), listed: false, Started);

        Assert.Equal(JobStatus.Running, running.Status);
        Assert.Equal(JobStatus.Failed, timedOut.Status);
        Assert.Equal("TIMEOUT", Text(timedOut, "state"));
        Assert.Equal("it ran past its time limit", Text(timedOut, "reason"));
        Assert.Null(Text(timedOut, "exit_code"));
        Assert.Equal(WallTime.FromSeconds(1200).ToString(), ((JsonObject)timedOut.Detail[JobDetailKeys.Retry]!)[JobDetailKeys.RetryTime]!.ToString());
        Assert.Null(Text(timedOut, JobDetailKeys.TimeLimitSeconds));
        Assert.Equal(JobStatus.Failed, killed.Status);
        Assert.StartsWith("it was killed with its exit recorder", Text(killed, "reason"), StringComparison.Ordinal);
        Assert.Null(Text(killed, "exit_code"));
    }

    [Fact]
    public void A_task_without_a_record_waits_its_turn_while_its_array_task_waits_or_runs()
    {
        var queued = Decide(Element(JobStatus.Pending, ("state", "PENDING"), ("reason", "Priority")), listed: true, null);
        var turn = Decide(Element(JobStatus.Running, ("state", "RUNNING")), listed: true, null);

        Assert.Equal(JobStatus.Pending, queued.Status);
        Assert.Equal("Priority", Text(queued, "reason"));
        Assert.Equal(JobStatus.Pending, turn.Status);
        Assert.Equal($"waiting for its turn in array task {Id}, which runs the tasks before it", Text(turn, "reason"));
        Assert.Null(Text(turn, "state"));
    }

    [Fact]
    public void A_task_cancelled_on_its_own_reads_cancelled_whether_it_never_started_or_was_stopped()
    {
        var before = Decide(Element(JobStatus.Running, ("state", "RUNNING")), listed: true, null, cancelled: true);
        var stopped = Decide(Element(JobStatus.Running, ("state", "RUNNING")), listed: true, Ended(null, signal: 15), cancelled: true);
        var finishedFirst = Decide(Element(JobStatus.Running), listed: true, Ended(0), cancelled: true);

        Assert.Equal(JobStatus.Failed, before.Status);
        Assert.StartsWith("cancelled on its own (job cancel --task) before it started", Text(before, "reason"), StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, stopped.Status);
        Assert.Equal("143", Text(stopped, "exit_code"));
        Assert.Equal("15", Text(stopped, "signal"));
        Assert.StartsWith("cancelled on its own", Text(stopped, "reason"), StringComparison.Ordinal);
        Assert.Equal(JobStatus.Successful, finishedFirst.Status);
    }

    [Fact]
    public void A_task_its_array_task_never_reached_is_not_successful_and_says_why()
    {
        var cancelled = Decide(Element(JobStatus.Failed, ("state", "CANCELLED"), ("reason", "cancelled by root")), listed: false, null, endedByScheduler: true);
        var completed = Decide(Element(JobStatus.Successful, ("state", "COMPLETED"), ("exit_code", 0)), listed: false, null);

        Assert.Equal(JobStatus.Failed, cancelled.Status);
        Assert.Equal("CANCELLED", Text(cancelled, "state"));
        Assert.Equal($"it never started: Slurm ended its array task {Id} first (cancelled by root)", Text(cancelled, "reason"));
        Assert.Equal(JobStatus.FinishedUnknown, completed.Status);
        Assert.StartsWith($"its array task {Id} ended without an exit record of this task", Text(completed, "reason"), StringComparison.Ordinal);
        Assert.Null(Text(completed, "exit_code"));
    }

    [SeededProperty(MaxTest = 300)]
    public Property Slots_run_every_position_once_in_order_and_no_slot_runs_more_than_its_share() =>
        Prop.ForAll(
            Gen.Choose(1, 5000).ToArbitrary(),
            Gen.Choose(1, 6000).ToArbitrary(),
            (tasks, perJob) =>
            {
                var slots = Packing.Slots(tasks, perJob);
                var positions = Enumerable.Range(0, slots).SelectMany(s => Packing.Positions(s, tasks, perJob)).ToList();
                return positions.SequenceEqual(Enumerable.Range(0, tasks))
                    && Enumerable.Range(0, slots).All(s => Packing.Positions(s, tasks, perJob).Count() is var n && n >= 1 && n <= perJob)
                    && positions.All(p => Packing.Positions(Packing.SlotOf(p, perJob), tasks, perJob).Contains(p));
            });

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("100001")]
    [InlineData("\"4\"")]
    [InlineData("2.5")]
    public void A_damaged_tasks_per_job_in_a_record_reads_as_unpacked(string value)
    {
        var handle = new JobHandle("4211", "slurm", Start)
        {
            Metadata = new Dictionary<string, JsonNode?> { ["sweep"] = JsonNode.Parse($$"""{"tasks":7,"max_parallel":null,"tasks_per_job":{{value}}}""") },
        };

        var sweep = SweepInfo.Read(handle)!;

        Assert.Equal(value == "\"4\"" ? 4 : 1, sweep.TasksPerJob);
        Assert.Equal(7, sweep.Tasks);
    }

    private static ExitRecord Started => new(Start, "node1", "flepimop2");

    private static ExitRecord Ended(int? code, int? signal = null, long? peak = null) =>
        new(Start, "node1", "flepimop2") { EndedAt = Start.AddSeconds(12.5), ExitCode = code, Signal = signal, PeakRssBytes = peak };

    private static JobStatusResult Element(JobStatus status, params (string Key, JsonNode? Value)[] detail) =>
        new(new JobHandle("4211", "slurm", Start.AddMinutes(-1)), status)
        {
            Detail = detail.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal),
        };

    private static JobStatusResult Decide(JobStatusResult element, bool listed, ExitRecord? record, bool cancelled = false, bool endedByScheduler = false) =>
        PackedTaskStatus.Decide(element, listed, record, cancelled, endedByScheduler, Id, "Slurm", 3);

    private static string? Text(JobStatusResult result, string key) => result.Detail.GetValueOrDefault(key)?.ToString();
}
