using Flepimop2.Internal;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// What a shell job's handle records (its metadata), read in one place: whether it ran blocking or detached, its process
/// (pid, start time in clock ticks since boot, the boot it ran in), and where its run directory, log and exit record are.
/// Reading never trusts the record: what is missing or not of its kind reads as null.
/// </summary>
/// <param name="Mode"><see cref="Blocking"/>, <see cref="Detached"/>, or null for a record that does not say.</param>
/// <param name="RunDirectory">A sweep's run directory.</param>
/// <param name="Log">The job's log file.</param>
/// <param name="ExitFile">A detached job's exit record.</param>
/// <param name="BootId">The boot the job was started in.</param>
internal sealed record ShellRecord(string? Mode, string? RunDirectory, string? Log, string? ExitFile, string? BootId)
{
    /// <summary>A job that ran in the submitter, which waited for it.</summary>
    public const string Blocking = "blocking";

    /// <summary>A job started in a session of its own.</summary>
    public const string Detached = "detached";

    public bool IsBlocking => Mode == Blocking;

    /// <summary>The mode of a runner's job.</summary>
    public static string ModeOf(bool detach) => detach ? Detached : Blocking;

    public static ShellRecord Of(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return new ShellRecord(
            handle.MetadataText("mode"),
            handle.MetadataText("run_dir"),
            handle.MetadataText("log"),
            handle.MetadataText("exit_file"),
            handle.MetadataText("boot_id"));
    }

    /// <summary>Whether a handle records a blocking job.</summary>
    public static bool IsBlockingJob(JobHandle handle) => JsonText.Of(handle?.Metadata.GetValueOrDefault("mode")) == Blocking;
}
