namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>What Slurm tools print on stderr, sorted into the cases the runner treats differently.</summary>
internal static class SlurmErrors
{
    private static readonly string[] TransientMarkers =
    [
        "Socket timed out",
        "Unable to contact slurm controller",
        "temporarily unavailable",
        "Slurm temporarily unable",
        "Zero Bytes were transmitted or received",
        "Communication connection failure",
    ];

    /// <summary>The controller was busy or restarting: the same command may well succeed a moment later.</summary>
    public static bool IsTransient(string stderr) =>
        TransientMarkers.Any(m => stderr.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary><c>squeue -j</c> with a single id the controller has forgotten, or <c>scancel</c> of such an id.</summary>
    public static bool IsInvalidJobId(string stderr) =>
        stderr.Contains("Invalid job id specified", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// squeue would not take <c>--only-job-state</c>: a release without it says the option is unrecognized, and 25.05 on
    /// refuse it beside an option it does not combine with (one an <c>SQUEUE_*</c> variable of the user's sets, too).
    /// </summary>
    public static bool RefusesOnlyJobState(string stderr) =>
        stderr.Contains("only-job-state", StringComparison.OrdinalIgnoreCase);

    /// <summary>Cancelling a job that has already ended.</summary>
    public static bool IsAlreadyFinished(string stderr) =>
        stderr.Contains("already completing or completed", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("Job/step already", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>sacct</c> on a cluster without accounting (<c>AccountingStorageType</c> unset).</summary>
    public static bool IsAccountingDisabled(string stderr) =>
        stderr.Contains("accounting storage is disabled", StringComparison.OrdinalIgnoreCase);
}
