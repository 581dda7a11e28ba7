using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Decides one job's status from what <c>squeue</c> (live jobs) and accounting (<c>sacct</c>, or <c>scontrol</c> when
/// accounting is off) said about it. Pure: the tools have already been asked.
/// </summary>
/// <remarks>
/// A job squeue lists in a live state is live, whatever accounting says (a requeued job may still show its last end in
/// accounting). Otherwise accounting, which has the exit code, decides; a job squeue shows ended but accounting does not
/// know yet stays running until it does, so that a wait never ends without the exit code, unless it never had a node
/// (cancelled while it waited): then there is no exit code to come. A job neither knows is <c>pending</c> within the grace
/// window after submission (the controller or the database may not have it yet) and <c>finished_unknown</c> after it.
/// A job Slurm requeued is <c>pending</c> from the moment its run ends: while the controller cleans up after the run
/// (<c>COMPLETING</c>, with a restart counted) accounting already shows that run's end (<c>REQUEUED</c>, <c>PREEMPTED</c>,
/// <c>NODE_FAIL</c>), which is not the job's.
/// </remarks>
internal static class SlurmStatusResolver
{
    public static JobStatusResult Resolve(JobHandle handle, SlurmJobRow? queued, SlurmJobRow? accounted, SlurmStatusContext context)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(context);

        // A range line of accounting says only that the task had not started when it was written (or that it was cancelled
        // before it did); where the controller says otherwise, the controller knows better.
        if (queued is not null && accounted is { FromRange: true } && queued.State != accounted.State)
        {
            accounted = null;
        }

        if (accounted is { Usage: { } usage } && !accounted.FromRange)
        {
            accounted = accounted with { Usage = usage.FillRequest(context.Requested) };
        }

        var restarts = Math.Max(queued?.Restarts ?? 0, accounted?.Restarts ?? 0);
        if (queued is { State: "COMPLETING" } && restarts > 0 && accounted is not null && SlurmStates.EndsARun(accounted.State))
        {
            return new JobStatusResult(handle, JobStatus.Pending)
            {
                Detail = Detail(
                    ("state", queued.State),
                    (JobDetailKeys.Restarts, restarts),
                    ("reason", $"Slurm requeued it (its run ended {accounted.State}); it waits to start again"),
                    ("source", "squeue"),
                    ("note", context.Note)),
            };
        }

        // A state missing from the table is taken as a live one: it is not final until Slurm says how it ended.
        var queuedStatus = queued is null ? (JobStatus?)null : SlurmStates.Map(queued.State) ?? JobStatus.Running;
        var accountedFinished = accounted is not null && SlurmStates.Map(accounted.State) is { } a && a.IsFinished();
        if (queued is not null && !queuedStatus!.Value.IsFinished() && !(queued.State == "COMPLETING" && accountedFinished))
        {
            return FromQueue(handle, queued, queuedStatus.Value, accounted, restarts, context);
        }

        if (accounted is not null)
        {
            return FromAccounting(handle, accounted, restarts, context);
        }

        if (queued is not null && string.IsNullOrEmpty(queued.Nodes) && queuedStatus!.Value.IsFinished())
        {
            // Ended without ever being given a node (cancelled while pending or held): there is no exit code to wait for.
            return new JobStatusResult(handle, queuedStatus.Value)
            {
                Detail = Detail(
                    ("state", queued.State),
                    ("reason", $"Slurm says it ended ({queued.State}) before it started"),
                    ("source", "squeue"),
                    ("note", context.Note)),
            };
        }

        if (queued is not null)
        {
            // Ended a moment ago, and accounting has not recorded how yet: not final until its exit code is known.
            return context.AccountingSource == "sacct"
                ? new JobStatusResult(handle, JobStatus.Running)
                {
                    Detail = Detail(
                        ("state", queued.State),
                        ("nodes", queued.Nodes),
                        ("reason", $"Slurm says it ended ({queued.State}); its exit code is not in accounting yet"),
                        ("source", "squeue")),
                }
                : FromQueue(handle, queued, queuedStatus!.Value, null, restarts, context);
        }

        var age = context.Now - handle.SubmittedAt;
        var where = context.Cluster is null ? string.Empty : $" on cluster {context.Cluster}";
        if (age < context.GraceWindow)
        {
            return new JobStatusResult(handle, JobStatus.Pending)
            {
                Detail = Detail(
                    ("reason", $"not yet known to squeue or {context.AccountingSource}{where}; it was submitted less than {Minutes(context.GraceWindow)} ago"),
                    ("note", context.Note)),
            };
        }

        return new JobStatusResult(handle, JobStatus.FinishedUnknown)
        {
            Detail = Detail(
                ("reason", context.AccountingSource == "sacct"
                    ? $"neither squeue nor sacct knows job {handle.JobId}{where}, more than {Minutes(context.GraceWindow)} after its submission"
                    : $"neither squeue nor scontrol knows job {handle.JobId}{where} (without accounting Slurm forgets a job soon after it ends)"),
                ("note", context.Note)),
        };
    }

    private static JobStatusResult FromQueue(JobHandle handle, SlurmJobRow queued, JobStatus status, SlurmJobRow? accounted, int restarts, SlurmStatusContext context)
    {
        var known = SlurmStates.Map(queued.State) is not null;
        var usage = accounted?.Usage;
        return new JobStatusResult(handle, status)
        {
            Detail = Detail(
                ("state", queued.State),
                ("reason", queued.Reason),
                ("nodes", queued.Nodes),
                ("elapsed", accounted?.Elapsed),
                (JobDetailKeys.ElapsedSeconds, ElapsedSeconds(accounted)),
                ("time_limit", usage?.TimeLimit),
                (JobDetailKeys.TimeLimitSeconds, usage?.TimeLimitSeconds),
                (JobDetailKeys.AllocCpus, usage?.AllocCpus),
                (JobDetailKeys.ReqMemBytes, usage?.ReqMemBytes),
                (JobDetailKeys.Restarts, restarts > 0 ? restarts : null),
                ("source", "squeue"),
                ("note", known ? context.Note : $"unrecognised Slurm state {queued.State}; squeue still lists the job, so it is taken as not finished")),
        };
    }

    private static JobStatusResult FromAccounting(JobHandle handle, SlurmJobRow row, int restarts, SlurmStatusContext context)
    {
        var status = SlurmStates.Map(row.State);
        var finished = status is { } s && s.IsFinished();
        var usage = row.Usage;
        var (reason, retry) = finished ? Ending(row) : (null, null);
        var detail = Detail(
            ("state", row.State),
            ("exit_code", row.ExitCode),
            ("signal", row.Signal is null or 0 ? null : row.Signal),
            ("elapsed", row.Elapsed),
            (JobDetailKeys.ElapsedSeconds, ElapsedSeconds(row)),
            ("time_limit", usage?.TimeLimit),
            (JobDetailKeys.TimeLimitSeconds, usage?.TimeLimitSeconds),
            (JobDetailKeys.AllocCpus, usage?.AllocCpus),
            (JobDetailKeys.ReqMemBytes, usage?.ReqMemBytes),
            (JobDetailKeys.MaxRssBytes, finished ? usage?.MaxRssBytes : null),
            (JobDetailKeys.MemEfficiency, finished ? usage?.MemoryEfficiency : null),
            (JobDetailKeys.CpuEfficiency, finished ? usage?.CpuEfficiency : null),
            ("nodes", row.Nodes),
            (JobDetailKeys.Restarts, restarts > 0 ? restarts : null),
            ("reason", status is null ? $"unrecognised Slurm state {row.State}" : reason ?? row.Reason),
            ("cancelled_by", row.CancelledBy),
            (JobDetailKeys.Retry, retry),
            ("source", context.AccountingSource),
            ("note", context.Note));
        return new JobStatusResult(handle, status ?? JobStatus.FinishedUnknown) { Detail = detail };
    }

    /// <summary>
    /// Why a finished job ran out of memory or time, and what to ask for next time; nothing for any other end. Without
    /// cgroups Slurm enforces memory by sampling (<c>OverMemoryKill</c>) and kills a job over its limit with SIGKILL: it ends
    /// <c>FAILED</c> with signal 9 and a peak over its limit, not <c>OUT_OF_MEMORY</c>, so that is read as running out of
    /// memory too.
    /// </summary>
    internal static (string? Reason, JsonObject? Retry) Ending(SlurmJobRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var usage = row.Usage ?? new JobUsage();
        var peak = usage.MaxRssBytes;
        var limit = usage.ReqMemBytes;
        if (row.State == "OUT_OF_MEMORY")
        {
            var figures = (peak, limit) switch
            {
                ({ } p, { } l) => $": its peak of {ByteSizes.Human(p)} against its limit of {ByteSizes.Human(l)}",
                (null, { } l) => $": over its limit of {ByteSizes.Human(l)}",
                _ => string.Empty,
            };
            return ($"ran out of memory{figures} (OUT_OF_MEMORY)", MemoryAdvice(peak, limit));
        }

        if (row.Signal == 9 && row.State is "FAILED" or "CANCELLED" && peak is { } killedPeak && limit is { } killedLimit && killedPeak >= killedLimit)
        {
            return (
                $"ran out of memory: its peak of {ByteSizes.Human(killedPeak)} went over its limit of {ByteSizes.Human(killedLimit)}, so Slurm killed it (signal 9)",
                MemoryAdvice(peak, limit));
        }

        if (row.Signal == 9 && row.State == "FAILED" && peak is null && limit is { } sampledLimit)
        {
            // Slurm samples memory: a job killed over its limit before a sample arrived has no peak to tell by.
            return (
                $"probably ran out of memory: Slurm killed it with signal 9 under its memory limit of {ByteSizes.Human(sampledLimit)}, before its memory was sampled",
                MemoryAdvice(null, limit));
        }

        if (row.State == "TIMEOUT")
        {
            var reason = usage.TimeLimit is { } text && usage.TimeLimitSeconds is not null ? $"ran out of time: it reached its time limit of {text}" : "ran out of time";
            var basis = usage.TimeLimitSeconds ?? usage.ElapsedSeconds;
            return (reason, basis is > 0 and var seconds ? new JsonObject { [JobDetailKeys.RetryTime] = WallTime.FromSeconds(seconds * 2).ToString() } : null);
        }

        return (null, null);
    }

    /// <summary>The next power of two above what the job reached (its peak, or its limit when the peak was below it).</summary>
    private static JsonObject? MemoryAdvice(long? peak, long? limit) => RetryAdvice.Memory(Math.Max(peak ?? 0, limit ?? 0));

    /// <summary>Run time in seconds: accounting's figure, or the text (scontrol's <c>RunTime</c>) read.</summary>
    private static long? ElapsedSeconds(SlurmJobRow? row) =>
        row?.Usage?.ElapsedSeconds ?? (SlurmUnits.TrySeconds(row?.Elapsed, out var seconds) ? (long)seconds : null);

    private static string Minutes(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");

    private static Dictionary<string, JsonNode?> Detail(params (string Key, JsonNode? Value)[] items) =>
        items.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
}
