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
                    (JobDetailKeys.ReqMemBytes, JobLimit(context.ReqMemBytes, live.Slots)),
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
        var memoryLimit = JobLimit(context.ReqMemBytes, row.Slots);
        var usage = new JobUsage(
            ElapsedSeconds: row.WallclockSeconds,
            TimeLimitSeconds: context.TimeLimitSeconds,
            MaxRssBytes: row.MaxRssBytes,
            ReqMemBytes: memoryLimit,
            TotalCpuSeconds: row.CpuSeconds,
            AllocCpus: row.Slots);
        var (reason, retry) = status == JobStatus.Failed ? Ending(row, context) : (null, null);

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
                (JobDetailKeys.ReqMemBytes, memoryLimit),
                (JobDetailKeys.MaxRssBytes, row.MaxRssBytes),
                ("max_vmem_bytes", row.MaxVmemBytes is > 0 ? row.MaxVmemBytes : null),
                (JobDetailKeys.MemEfficiency, usage.MemoryEfficiency),
                (JobDetailKeys.CpuEfficiency, usage.CpuEfficiency),
                (JobDetailKeys.Retry, retry),
                ("source", "accounting")),
        };
    }

    /// <summary>
    /// Why a failed job ended, with what to ask for next time when it ran out of time or memory. Grid Engine ends a job over
    /// its <c>h_rt</c>, or whose processes together go over <c>h_vmem</c>, with <c>failed</c> 37 and SIGKILL; the run time
    /// tells which (the sampled peak virtual memory often misses the last rise). A single process cannot go over <c>h_vmem</c> (it is its address-space
    /// limit): its allocation fails and the program ends with its own error, so a failed job that reached nine tenths of
    /// the limit is reported as probably out of memory, and any other job that failed under the limit as one that may have
    /// hit it (a single large allocation is refused without raising the peak).
    /// </summary>
    internal static (string? Reason, JsonObject? Retry) Ending(GridEngineAccountingRecord row, GridEngineStatusContext context)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(context);
        var meaning = GridEngineStates.FailedMeaning(row.Failed);
        if (row.Failed == 37 && context.TimeLimitSeconds is { } time && row.WallclockSeconds >= time)
        {
            return (
                $"ran out of time: it reached its h_rt limit of {GridEngineOptionsValidator.TimeText(WallTime.FromSeconds(time))} ({meaning})",
                new JsonObject { [JobDetailKeys.RetryTime] = WallTime.FromSeconds(time * 2).ToString() });
        }

        if (context.ReqMemBytes is not { } perSlot || JobLimit(perSlot, row.Slots) is not { } limit)
        {
            return (meaning, null);
        }

        var slots = row.Slots is > 1 and var n ? n : 1;
        var limitText = slots > 1 ? $"{ByteSizes.Human(limit)} ({ByteSizes.Human(perSlot)} per slot, {slots} slots)" : ByteSizes.Human(limit);
        var vmem = row.MaxVmemBytes ?? 0;
        if (row.Failed == 37 && vmem >= limit)
        {
            return (
                $"ran out of memory: its processes together reached {ByteSizes.Human(vmem)} of virtual memory, over its h_vmem limit of {limitText}, so Grid Engine killed it (signal 9)",
                RetryAdvice.Memory(Math.Max(vmem / slots, perSlot)));
        }

        if (row.Failed == 37)
        {
            // Killed by the qmaster short of its h_rt: over h_vmem, with a peak that rose after the last sample.
            var sampled = vmem > 0 ? $"its last sampled peak, {ByteSizes.Human(vmem)}, missed the end" : "its memory was not sampled";
            var runTime = context.TimeLimitSeconds is null ? "it has no h_rt" : "it had not reached its h_rt";
            return (
                $"probably ran out of memory: Grid Engine killed it for a limit (failed 37, signal 9) and {runTime}, so its h_vmem limit of {limitText}; {sampled}",
                RetryAdvice.Memory(perSlot));
        }

        var peak = Math.Max(vmem, row.MaxRssBytes ?? 0);
        if (row.Failed == 0 && row.ExitStatus != 0 && peak * 10 >= limit * 9)
        {
            return (
                $"probably ran out of memory: it reached {ByteSizes.Human(peak)} against its h_vmem limit of {limitText}, where an allocation fails and the program ends with its own error",
                RetryAdvice.Memory(Math.Max(peak / slots, perSlot)));
        }

        if (row.Failed == 0 && row.ExitStatus is not 0 and not GridEngineScriptRenderer.DependencyFailedExitCode)
        {
            // One allocation over what is left of the address space is refused whole, so the peak stays low and cannot tell.
            var reached = peak > 0 ? $"its peak stayed at {ByteSizes.Human(peak)}" : "no peak was recorded";
            return (
                $"it may have hit its h_vmem limit of {limitText}: that limits each process's address space, and an allocation over it fails without raising the peak ({reached}); if its log shows an allocation failure, ask for more memory",
                null);
        }

        return (meaning, null);
    }

    /// <summary>The memory a job may use: <c>h_vmem</c> is per slot, so a job holding several has that many times as much.</summary>
    private static long? JobLimit(long? perSlot, int? slots) => perSlot * (slots is > 1 and var n ? n : 1);

    private static string Minutes(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");

    private static Dictionary<string, JsonNode?> Detail(params (string Key, JsonNode? Value)[] items) =>
        items.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
}
