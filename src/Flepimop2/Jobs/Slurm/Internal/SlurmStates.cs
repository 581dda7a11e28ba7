using System.Collections.Frozen;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// The one table from Slurm job state (long name as <c>squeue %T</c> and <c>sacct State</c> print it, and the short
/// code of <c>squeue %t</c>) to <see cref="JobStatus"/>. Check it against the JOB STATE CODES section of <c>man squeue</c>.
/// </summary>
/// <remarks>
/// A state missing from the table is not guessed here: <see cref="Map"/> returns <see langword="null"/> and the caller
/// decides by where the state was seen. <c>squeue</c> lists only jobs that have not ended, so an unknown state there
/// means a live job; an unknown state seen only in accounting gives <see cref="JobStatus.FinishedUnknown"/>.
/// </remarks>
internal static class SlurmStates
{
    private static readonly (string Name, string Code, JobStatus Status)[] Table =
    [
        // Waiting to start (again).
        ("PENDING", "PD", JobStatus.Pending),
        ("CONFIGURING", "CF", JobStatus.Pending),
        ("REQUEUED", "RQ", JobStatus.Pending),
        ("REQUEUE_HOLD", "RH", JobStatus.Pending),
        ("REQUEUE_FED", "RF", JobStatus.Pending),
        ("RESV_DEL_HOLD", "RD", JobStatus.Pending),

        // Started and not ended; a suspended or stopped job keeps its place and resumes.
        ("RUNNING", "R", JobStatus.Running),
        ("COMPLETING", "CG", JobStatus.Running),
        ("STAGE_OUT", "SO", JobStatus.Running),
        ("SIGNALING", "SI", JobStatus.Running),
        ("RESIZING", "RS", JobStatus.Running),
        ("SUSPENDED", "S", JobStatus.Running),
        ("STOPPED", "ST", JobStatus.Running),

        // Ended.
        ("COMPLETED", "CD", JobStatus.Successful),
        ("FAILED", "F", JobStatus.Failed),
        ("CANCELLED", "CA", JobStatus.Failed),
        ("TIMEOUT", "TO", JobStatus.Failed),
        ("OUT_OF_MEMORY", "OOM", JobStatus.Failed),
        ("NODE_FAIL", "NF", JobStatus.Failed),
        ("PREEMPTED", "PR", JobStatus.Failed),
        ("BOOT_FAIL", "BF", JobStatus.Failed),
        ("DEADLINE", "DL", JobStatus.Failed),
        ("REVOKED", "RV", JobStatus.Failed),
        ("SPECIAL_EXIT", "SE", JobStatus.Failed),
    ];

    private static readonly FrozenDictionary<string, JobStatus> ByName =
        Table.SelectMany(row => new[] { KeyValuePair.Create(row.Name, row.Status), KeyValuePair.Create(row.Code, row.Status) })
            .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every long state name in the table, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(row => row.Name)];

    /// <summary>The status for a state (long name or short code, after <see cref="Normalize"/>), or <see langword="null"/> when the table does not know it.</summary>
    public static JobStatus? Map(string state) =>
        ByName.TryGetValue(Normalize(state), out var status) ? status : null;

    /// <summary>
    /// Whether a state can be the end of one run of a job that Slurm then requeues (with <c>--requeue</c>, or
    /// <c>scontrol requeue</c>): accounting records the run with it, and the job waits to start again.
    /// </summary>
    public static bool EndsARun(string state) =>
        Normalize(state) is "REQUEUED" or "REQUEUE_FED" or "REQUEUE_HOLD" or "PREEMPTED" or "NODE_FAIL";

    /// <summary>
    /// Whether Slurm itself ended a finished job (a limit, a cancel, a preemption, a node failure), or its status reads it as
    /// having run out of memory: its word stands over the job's exit record.
    /// </summary>
    public static bool EndedBySlurm(JobStatusResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Detail.ContainsKey(JobDetailKeys.Retry)
            || Flepimop2.Internal.JsonText.Of(result.Detail.GetValueOrDefault("state")) is { } state
                && Normalize(state) is "TIMEOUT" or "OUT_OF_MEMORY" or "CANCELLED" or "PREEMPTED" or "NODE_FAIL" or "BOOT_FAIL" or "DEADLINE" or "REVOKED";
    }

    /// <summary>
    /// The bare state: <c>sacct</c> prints <c>CANCELLED by 1000</c> (the uid that cancelled) and marks truncated
    /// fields with a trailing <c>+</c>; both are dropped.
    /// </summary>
    public static string Normalize(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var trimmed = state.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var first = space < 0 ? trimmed : trimmed[..space];
        return first.TrimEnd('+').ToUpperInvariant();
    }
}
