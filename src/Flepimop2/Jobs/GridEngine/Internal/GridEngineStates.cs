using System.Collections.Frozen;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// The one table from Grid Engine's state codes to <see cref="JobStatus"/>, for live jobs (as <c>qstat</c> prints them;
/// see qstat(1), "state") and for ended ones (the accounting file's <c>failed</c> and <c>exit_status</c>, see <see cref="Ended"/>).
/// </summary>
/// <remarks>
/// A code is made of letters: <c>q</c> queued, <c>w</c> waiting, <c>h</c> on hold, <c>r</c> running, <c>t</c> being
/// transferred, <c>R</c> restarted, <c>s</c>/<c>S</c>/<c>T</c> suspended, <c>d</c> being deleted, <c>E</c> error. A code the
/// table lacks is read by its letters (<see cref="Map"/>): qstat lists only jobs that have not ended.
/// </remarks>
internal static class GridEngineStates
{
    private static readonly (string Code, JobStatus Status, string Meaning)[] Table =
    [
        ("qw", JobStatus.Pending, "queued, waiting to be scheduled"),
        ("hqw", JobStatus.Pending, "on hold (waiting for the jobs it runs after, or held)"),
        ("hRwq", JobStatus.Pending, "on hold after a restart"),
        ("Rq", JobStatus.Pending, "requeued: it waits to run again"),
        ("Rhqw", JobStatus.Pending, "requeued and on hold"),
        ("t", JobStatus.Running, "being transferred to its node"),
        ("r", JobStatus.Running, "running"),
        ("Rt", JobStatus.Running, "restarted, being transferred"),
        ("Rr", JobStatus.Running, "restarted, running"),
        ("s", JobStatus.Running, "suspended"),
        ("ts", JobStatus.Running, "suspended while being transferred"),
        ("S", JobStatus.Running, "suspended by its queue"),
        ("T", JobStatus.Running, "suspended by a threshold of its queue"),
        ("dr", JobStatus.Running, "being deleted while it runs"),
        ("dt", JobStatus.Running, "being deleted while being transferred"),
        ("dRr", JobStatus.Running, "being deleted while it runs again"),
        ("dqw", JobStatus.Pending, "being deleted before it started"),
        ("dhqw", JobStatus.Pending, "being deleted before it started"),
        ("Eqw", JobStatus.Failed, "in error: it cannot start (or ended with exit status 100), and stays until deleted"),
        ("Ehqw", JobStatus.Failed, "in error and on hold"),
        ("dEqw", JobStatus.Failed, "in error, being deleted"),
    ];

    private static readonly FrozenDictionary<string, (JobStatus Status, string Meaning)> ByCode =
        Table.ToFrozenDictionary(row => row.Code, row => (row.Status, row.Meaning), StringComparer.Ordinal);

    /// <summary>Every code in the table, in table order.</summary>
    public static IReadOnlyList<string> Codes { get; } = [.. Table.Select(row => row.Code)];

    /// <summary>
    /// The status of a live job's state code: from the table, else by its letters (<c>E</c> an error, <c>r</c> or <c>t</c>
    /// running, anything else waiting).
    /// </summary>
    public static JobStatus Map(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return ByCode.TryGetValue(code, out var row) ? row.Status
            : code.Contains('E', StringComparison.Ordinal) ? JobStatus.Failed
            : code.IndexOfAny(['r', 't', 's', 'S', 'T']) >= 0 ? JobStatus.Running
            : JobStatus.Pending;
    }

    /// <summary>What a state code means, or null for a code the table lacks.</summary>
    public static string? Meaning(string code) => ByCode.TryGetValue(code, out var row) ? row.Meaning : null;

    /// <summary>Whether a code is an error state: the job stays in the queue, never to run, until deleted.</summary>
    public static bool IsError(string code) => code?.Contains('E', StringComparison.Ordinal) ?? false;

    /// <summary>How a job ended, from its last accounting record: successful only when it ran (<c>failed</c> 0) and exited 0.</summary>
    public static JobStatus Ended(int failed, int exitStatus) =>
        failed == 0 && exitStatus == 0 ? JobStatus.Successful : JobStatus.Failed;

    /// <summary>
    /// What a <c>failed</c> code of the accounting file means (accounting(5), as qacct prints it), or null for 0 and for codes
    /// not listed here.
    /// </summary>
    public static string? FailedMeaning(int failed) => failed switch
    {
        0 => null,
        1 => "assumedly before job: it could not be started",
        7 or 8 => "in its prolog",
        11 => "before job: the shepherd could not start it",
        17 => "ended by a signal (qdel or a limit)",
        19 => "before writing its exit status",
        21 => "in recognizing the job",
        25 => "rescheduling: it ran and was requeued",
        26 => "opening its input or output file",
        27 => "searching the requested shell",
        28 => "changing to its working directory",
        30 => "application error returned: it exited 100, so Grid Engine put it in error",
        37 => "qmaster enforced its h_rt, h_cpu or h_vmem limit",
        100 => "assumedly after job: it was killed while it ran (qdel, or a limit)",
        _ => null,
    };
}
