using System.Globalization;
using System.Text.Json.Nodes;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Decides one job's status from what <c>squeue</c> (live jobs) and accounting (<c>sacct</c>, or <c>scontrol</c> when
/// accounting is off) said about it. Pure: the tools have already been asked.
/// </summary>
/// <remarks>
/// A job squeue lists in a live state is live, whatever accounting says (a requeued job may still show its last end in
/// accounting). Otherwise accounting, which has the exit code, decides; a job squeue shows ended but accounting does not
/// know yet stays running until it does, so that a wait never ends without the exit code. A job neither knows is <c>pending</c> within the grace
/// window after submission (the controller or the database may not have it yet) and <c>finished_unknown</c> after it.
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

        // A state missing from the table is taken as a live one: it is not final until Slurm says how it ended.
        var queuedStatus = queued is null ? (JobStatus?)null : SlurmStates.Map(queued.State) ?? JobStatus.Running;
        var accountedFinished = accounted is not null && SlurmStates.Map(accounted.State) is { } a && a.IsFinished();
        if (queued is not null && !queuedStatus!.Value.IsFinished() && !(queued.State == "COMPLETING" && accountedFinished))
        {
            return FromQueue(handle, queued, queuedStatus.Value, accounted, context);
        }

        if (accounted is not null)
        {
            return FromAccounting(handle, accounted, context);
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
                : FromQueue(handle, queued, queuedStatus!.Value, null, context);
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

    private static JobStatusResult FromQueue(JobHandle handle, SlurmJobRow queued, JobStatus status, SlurmJobRow? accounted, SlurmStatusContext context)
    {
        var known = SlurmStates.Map(queued.State) is not null;
        return new JobStatusResult(handle, status)
        {
            Detail = Detail(
                ("state", queued.State),
                ("reason", queued.Reason),
                ("nodes", queued.Nodes),
                ("elapsed", accounted?.Elapsed),
                ("source", "squeue"),
                ("note", known ? context.Note : $"unrecognised Slurm state {queued.State}; squeue still lists the job, so it is taken as not finished")),
        };
    }

    private static JobStatusResult FromAccounting(JobHandle handle, SlurmJobRow row, SlurmStatusContext context)
    {
        var status = SlurmStates.Map(row.State);
        var detail = Detail(
            ("state", row.State),
            ("exit_code", row.ExitCode),
            ("signal", row.Signal is null or 0 ? null : row.Signal),
            ("elapsed", row.Elapsed),
            ("nodes", row.Nodes),
            ("reason", status is null ? $"unrecognised Slurm state {row.State}" : row.Reason),
            ("cancelled_by", row.CancelledBy),
            ("source", context.AccountingSource),
            ("note", context.Note));
        return new JobStatusResult(handle, status ?? JobStatus.FinishedUnknown) { Detail = detail };
    }

    private static string Minutes(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");

    private static Dictionary<string, JsonNode?> Detail(params (string Key, JsonNode? Value)[] items) =>
        items.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
}
