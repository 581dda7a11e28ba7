using System.Text.Json.Nodes;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// The one table that puts a job's exit record and its scheduler's answer together:
/// <list type="bullet">
/// <item>the scheduler lists the job as waiting or running: it is (a run that ended may still run its post-commands, a
/// requeued job's record is of an earlier run);</item>
/// <item>the scheduler says it ended the job itself (time or memory limit, cancel, preemption, a node failure): its word,
/// with the record's figures;</item>
/// <item>otherwise a record of the command's end decides: its exit code or signal;</item>
/// <item>a record with a start and no end, which the scheduler no longer lists: the job was killed with its recorder;</item>
/// <item>no record: the scheduler's answer as it is.</item>
/// </list>
/// </summary>
internal static class ExitRecordMerge
{
    public static JobStatusResult Merge(JobStatusResult scheduler, bool listed, ExitRecord? record, bool endedByScheduler)
    {
        if (record is null || (listed && !scheduler.Status.IsFinished()))
        {
            return scheduler;
        }

        var detail = new Dictionary<string, JsonNode?>(scheduler.Detail.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())), StringComparer.Ordinal);
        foreach (var (key, value) in record.Detail())
        {
            detail.TryAdd(key, value);
        }

        if (scheduler.Status.IsFinished() && endedByScheduler)
        {
            return scheduler with { Detail = detail };
        }

        if (record.Ended)
        {
            var code = record.ShellExitCode!.Value;
            detail["exit_code"] = code;
            detail.Remove("signal");
            if (record.Signal is { } signal)
            {
                detail["signal"] = signal;
            }

            // The scheduler's accounting, where it has the figure, stays the one usage figures are read from.
            if (record.ElapsedSeconds is { } elapsed)
            {
                detail.TryAdd(JobDetailKeys.ElapsedSeconds, elapsed);
            }

            if (!scheduler.Status.IsFinished() || scheduler.Status == JobStatus.FinishedUnknown)
            {
                // The scheduler did not say how it ended: what it said instead is no reason.
                detail.Remove("reason");
                detail.Remove("state");
            }

            detail["source"] = detail.GetValueOrDefault("source") is { } said ? $"{said}, exit record" : "exit record";
            return scheduler with { Status = code == 0 ? JobStatus.Successful : JobStatus.Failed, Detail = detail };
        }

        if (listed && scheduler.Status.IsFinished() && scheduler.Status != JobStatus.FinishedUnknown)
        {
            return scheduler with { Detail = detail };
        }

        detail["reason"] = "it was killed with its exit recorder: its exit record has a start and no end, and the scheduler no longer lists it";
        detail["source"] = "exit record";
        return scheduler with { Status = JobStatus.Failed, Detail = detail };
    }
}
