using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// Decides one job's (or array task's) status from its <c>qstat</c> row and its last accounting record. Pure: the tools
/// have already been asked.
/// </summary>
/// <remarks>
/// A job qstat lists has not ended, whatever accounting says (a requeued job has a record of its earlier run); one in an
/// error state is failed, with the reason qstat gives. A job qstat no longer lists is decided by its accounting record.
/// A job known to neither is <c>pending</c> within the grace window after submission (the qmaster writes accounting up to
/// its flush time after a job ends) and <c>finished_unknown</c> after it: a job deleted before it started leaves no record.
/// </remarks>
internal static class GridEngineStatusResolver
{
    public static JobStatusResult Resolve(JobHandle handle, string id, GridEngineLiveRow? live, GridEngineAccountingRecord? ended, GridEngineStatusContext context)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(context);
        if (live is not null)
        {
            var status = GridEngineStates.Map(live.State);
            var reason = GridEngineStates.IsError(live.State)
                ? $"Grid Engine put it in error ({context.ErrorReasons?.GetValueOrDefault(live.JobId) ?? "no reason given"}); it was deleted, as it would never run"
                : GridEngineStates.Meaning(live.State) ?? $"unrecognised Grid Engine state {live.State}; qstat still lists it, so it is taken as not finished";
            return new JobStatusResult(handle, status)
            {
                Detail = Detail(
                    ("state", live.State),
                    ("reason", reason),
                    ("queue", live.Queue),
                    (JobDetailKeys.AllocCpus, live.Slots),
                    (JobDetailKeys.TimeLimitSeconds, context.TimeLimitSeconds),
                    (JobDetailKeys.ReqMemBytes, context.ReqMemBytes),
                    ("exit_code", status == JobStatus.Failed ? ended?.ExitStatus : null),
                    ("source", "qstat")),
            };
        }

        if (ended is not null)
        {
            return FromAccounting(handle, ended, context);
        }

        var age = context.Now - handle.SubmittedAt;
        return age < context.GraceWindow
            ? new JobStatusResult(handle, JobStatus.Pending)
            {
                Detail = Detail(("reason", $"job {id} is not in qstat and has no accounting record yet; it was submitted less than {Minutes(context.GraceWindow)} ago")),
            }
            : new JobStatusResult(handle, JobStatus.FinishedUnknown)
            {
                Detail = Detail(("reason", $"neither qstat nor the accounting file knows job {id}, more than {Minutes(context.GraceWindow)} after its submission (a job deleted before it started leaves no record)")),
            };
    }

    private static JobStatusResult FromAccounting(JobHandle handle, GridEngineAccountingRecord row, GridEngineStatusContext context)
    {
        var status = GridEngineStates.Ended(row.Failed, row.ExitStatus);
        var signal = row.ExitStatus > 128 && row.ExitStatus < 160 ? row.ExitStatus - 128 : (int?)null;
        var usage = new JobUsage(
            ElapsedSeconds: row.WallclockSeconds,
            TimeLimitSeconds: context.TimeLimitSeconds,
            MaxRssBytes: row.MaxRssBytes,
            ReqMemBytes: context.ReqMemBytes,
            TotalCpuSeconds: row.CpuSeconds,
            AllocCpus: row.Slots);
        string? reason = GridEngineStates.FailedMeaning(row.Failed);
        JsonObject? retry = null;
        if (row.Failed == 37 && context.TimeLimitSeconds is { } limit && row.WallclockSeconds >= limit)
        {
            reason = $"ran out of time: it reached its h_rt limit of {GridEngineOptionsValidator.TimeText(new WallTime(limit))} ({reason})";
            retry = new JsonObject { [JobDetailKeys.RetryTime] = new WallTime(limit * 2).ToString() };
        }

        return new JobStatusResult(handle, status)
        {
            Detail = Detail(
                ("state", status == JobStatus.Successful ? "done" : "failed"),
                ("exit_code", row.ExitStatus),
                ("signal", signal),
                ("failed", row.Failed),
                ("reason", reason),
                (JobDetailKeys.ElapsedSeconds, row.WallclockSeconds),
                (JobDetailKeys.TimeLimitSeconds, context.TimeLimitSeconds),
                (JobDetailKeys.AllocCpus, row.Slots),
                (JobDetailKeys.ReqMemBytes, context.ReqMemBytes),
                (JobDetailKeys.MaxRssBytes, row.MaxRssBytes),
                ("max_vmem_bytes", row.MaxVmemBytes is > 0 ? row.MaxVmemBytes : null),
                (JobDetailKeys.MemEfficiency, usage.MemoryEfficiency),
                (JobDetailKeys.CpuEfficiency, usage.CpuEfficiency),
                (JobDetailKeys.Retry, retry),
                ("source", "accounting")),
        };
    }

    private static string Minutes(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");

    private static Dictionary<string, JsonNode?> Detail(params (string Key, JsonNode? Value)[] items) =>
        items.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
}
