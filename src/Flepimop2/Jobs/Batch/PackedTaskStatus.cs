using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// A task of a packed sweep, decided from what its array task's answer and its own exit record and cancel mark say together.
/// The array task runs several tasks, so its state, exit code and usage are no task's: only its being pending or running,
/// and a limit, cancel or failure the scheduler ended it by (the task then running took it), carry over.
/// <list type="bullet">
/// <item>a record with an end: the task ended with that exit code or signal, whatever its array task does now;</item>
/// <item>a record with a start and no end: running while its array task runs; ended by the scheduler's word when the
/// scheduler ended the array task; else killed with its recorder;</item>
/// <item>no record: pending while its array task waits or runs (its turn has not come), failed when it was cancelled on its
/// own, and not run when its array task ended first (the scheduler's word when it ended the array task).</item>
/// </list>
/// </summary>
internal static class PackedTaskStatus
{
    /// <summary>The keys of an array task's answer that a packed task keeps: what the scheduler said of how it ended.</summary>
    private static readonly string[] SchedulerKeys = ["state", "reason", "failed", JobDetailKeys.Retry];

    /// <param name="element">The array task's status, as the scheduler's round decides it (explained by its predecessors).</param>
    /// <param name="listed">Whether the scheduler lists the array task.</param>
    /// <param name="record">The task's exit record, or null.</param>
    /// <param name="cancelled">Whether the task was cancelled on its own (its cancel mark is there).</param>
    /// <param name="endedByScheduler">Whether the scheduler ended the array task itself.</param>
    /// <param name="id">The array task's scheduler id.</param>
    /// <param name="scheduler">The scheduler's name, for a reason.</param>
    /// <param name="tasksPerJob">How many tasks the array task runs: its time limit is theirs together, and a retry's time is per task.</param>
    public static JobStatusResult Decide(JobStatusResult element, bool listed, ExitRecord? record, bool cancelled, bool endedByScheduler, string id, string scheduler, int tasksPerJob)
    {
        var detail = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["job_id"] = id };
        var live = !element.Status.IsFinished() && (listed || element.Status == JobStatus.Pending);
        if (record is { Ended: true })
        {
            Add(detail, record);
            var code = record.ShellExitCode!.Value;
            detail["exit_code"] = code;
            if (record.Signal is { } signal)
            {
                detail["signal"] = signal;
            }

            if (record.ElapsedSeconds is { } elapsed)
            {
                detail[JobDetailKeys.ElapsedSeconds] = elapsed;
            }

            if (cancelled && code != 0)
            {
                detail["reason"] = "cancelled on its own (job cancel --task); the other tasks of its array task go on";
            }

            detail["source"] = "exit record";
            return element with { Status = code == 0 ? JobStatus.Successful : JobStatus.Failed, Detail = detail };
        }

        if (record is not null)
        {
            Add(detail, record);
            if (live)
            {
                return element with { Status = JobStatus.Running, Detail = detail };
            }

            if (element.Status.IsFinished() && endedByScheduler)
            {
                KeepSchedulerWord(detail, element, tasksPerJob);
                return element with { Detail = detail };
            }

            detail["reason"] = $"it was killed with its exit recorder: its exit record has a start and no end, and its array task {id} has ended";
            detail["source"] = "exit record";
            return element with { Status = JobStatus.Failed, Detail = detail };
        }

        if (cancelled)
        {
            detail["reason"] = "cancelled on its own (job cancel --task) before it started; the other tasks of its array task go on";
            return element with { Status = JobStatus.Failed, Detail = detail };
        }

        if (live)
        {
            KeepSchedulerWord(detail, element, tasksPerJob);
            if (element.Status == JobStatus.Running)
            {
                detail.Remove("state");
                detail["reason"] = $"waiting for its turn in array task {id}, which runs the tasks before it";
            }

            return element with { Status = JobStatus.Pending, Detail = detail };
        }

        KeepSchedulerWord(detail, element, tasksPerJob);
        if (element.Status.IsFinished() && endedByScheduler)
        {
            detail["reason"] = $"it never started: {scheduler} ended its array task {id} first" + (detail.GetValueOrDefault("reason") is { } why ? $" ({why})" : string.Empty);
            return element with { Status = element.Status == JobStatus.Successful ? JobStatus.Failed : element.Status, Detail = detail };
        }

        detail["reason"] = element.Status.IsFinished()
            ? $"its array task {id} ended without an exit record of this task: it was never reached, or its record could not be written"
            : detail.GetValueOrDefault("reason")?.DeepClone() ?? $"its array task {id} is not known to {scheduler}";
        return element with { Status = element.Status.IsFinished() ? JobStatus.FinishedUnknown : element.Status, Detail = detail };
    }

    private static void Add(Dictionary<string, JsonNode?> detail, ExitRecord record)
    {
        foreach (var (key, value) in record.Detail())
        {
            detail[key] = value;
        }
    }

    private static void KeepSchedulerWord(Dictionary<string, JsonNode?> detail, JobStatusResult element, int tasksPerJob)
    {
        foreach (var key in SchedulerKeys)
        {
            if (element.Detail.GetValueOrDefault(key) is { } value)
            {
                detail[key] = value.DeepClone();
            }
        }

        // The scheduler's advice doubles the array task's limit, which is the per-task limit times the tasks it runs; a retry
        // takes a per-task time, so the advice is divided back (twice the per-task limit).
        if (detail.GetValueOrDefault(JobDetailKeys.Retry) is JsonObject retry
            && WallTime.TryParse(JsonText.Of(retry[JobDetailKeys.RetryTime]), out var time)
            && !time.IsUnlimited)
        {
            retry[JobDetailKeys.RetryTime] = WallTime.FromSeconds(Math.Max(1, (time.TotalSeconds + tasksPerJob - 1) / tasksPerJob)).ToString();
        }
    }
}
