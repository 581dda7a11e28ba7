using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// Detached shell jobs: started under the recorder in a session of their own, followed through their exit record and the
/// process check, and cancelled without ever signalling a process that cannot be the job.
/// </summary>
internal sealed class DetachedShellJobs(TimeProvider clock, TimeSpan grace)
{
    /// <summary>
    /// Starts the recorder, claims the job's directory for its pid, writes the list of jobs it waits for (when it waits),
    /// has the caller record the handle (when <paramref name="beforeRelease"/> is given), then tells the recorder to run the job.
    /// </summary>
    public async Task<JobHandle> StartAsync(
        ProcessSpec recorder,
        string logRoot,
        IReadOnlyList<JobDependency>? after,
        Func<JobHandle, CancellationToken, Task>? beforeRelease,
        CancellationToken cancellationToken)
    {
        SubmissionFiles.CreateParent(logRoot);
        var submittedAt = IsoTime.Now(clock);
        using var process = ProcessLauncher.Start(recorder);
        using var names = process.StandardInput;
        var probe = ProcessProbe.WaitForOwnGroup(process.Id, clock);
        var files = new SubmissionFiles();
        var (id, directory) = (string.Empty, logRoot);
        try
        {
            (id, directory) = ShellRunDirectory.Claim(logRoot, process.Id);
            files.Created(directory);
            if (after is { Count: > 0 })
            {
                DiskWrites.Run(directory, () => ShellPredecessors.Write(directory, after));
            }
        }
        catch (Exception ex) when (SubmissionFiles.Catches(ex))
        {
            // The recorder has not been told its directory: closing its input ends it before the job starts.
            throw files.Failed(ex, directory);
        }

        var metadata = new Dictionary<string, JsonNode?>
        {
            ["mode"] = ShellRecord.Detached,
            ["pid"] = process.Id,
            ["start_time"] = probe.Exists ? probe.StartTicks : -1,
            ["boot_id"] = ProcessProbe.BootId,
            ["log"] = Path.Combine(directory, ShellRecorder.LogFileName),
            ["exit_file"] = Path.Combine(directory, ShellRecorder.ExitFileName),
        };
        var handle = new JobHandle(id, "shell", submittedAt) { Metadata = metadata };
        await ShellRelease.RecordAsync(handle, beforeRelease, cancellationToken).ConfigureAwait(false);

        // The recorder waits for this name; if anything above failed, closing its input ends it before the job starts.
        names.Write(Path.GetFileName(directory) + "\n");
        names.Close();
        return handle;
    }

    public static JobStatusResult Status(JobHandle handle, TimeProvider? clock = null)
    {
        var exitFile = ShellRecord.Of(handle).ExitFile;
        var code = ReadExitCode(exitFile);
        var check = code is null ? Judge(handle) : default;

        // The process may end between the first look at the exit record and the check: look again.
        code ??= check.Verdict == ShellProcessVerdict.Running ? null : ReadExitCode(exitFile);
        var cancelled = exitFile is not null && File.Exists(CancelledMarker(exitFile));
        var (waiting, notRun) = exitFile is not null && Path.GetDirectoryName(exitFile) is { } directory ? ShellPredecessors.Read(directory) : (false, null);
        var result = ShellStates.Detached(handle, code, cancelled, check, keepsExitRecord: exitFile is not null, waiting, notRun);
        if (code is not null && exitFile is not null
            && Jobs.Internal.ExitRecord.Read(Path.Combine(Path.GetDirectoryName(exitFile)!, ShellRecorder.ExitRecordFileName)) is { PeakRssBytes: { } peak } record)
        {
            // What the job's exit recorder measured of it: its peak memory and CPU time, as a blocking job's detail has them.
            var detail = new Dictionary<string, JsonNode?>(result.Detail) { ["peak_rss_bytes"] = peak };
            if (record.CpuSeconds is { } cpu)
            {
                detail["cpu_seconds"] = cpu;
            }

            // When it ran, as a batch job's exit record tells it (a report draws it on a time axis).
            detail[JobDetailKeys.StartedAt] = IsoTime.Format(record.StartedAt);
            if (record.EndedAt is { } ended)
            {
                detail[JobDetailKeys.EndedAt] = IsoTime.Format(ended);
            }

            result = result with { Detail = detail };
        }

        return Elapsed(exitFile, code is not null, result.Status == JobStatus.Running, clock ?? TimeProvider.System) is { } seconds
            ? result with { Detail = new Dictionary<string, JsonNode?>(result.Detail) { ["elapsed_seconds"] = seconds } }
            : result;
    }

    /// <summary>
    /// SIGTERM to the job's process group, then SIGKILL after the grace period (at once when the wait is cancelled), and a
    /// wait until it is gone.
    /// </summary>
    /// <exception cref="JobBackendException">The handle names a process that cannot be the job; nothing was signalled.</exception>
    public async Task CancelAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        var exitFile = ShellRecord.Of(handle).ExitFile;
        if (ReadExitCode(exitFile) is not null)
        {
            return;
        }

        var check = Judge(handle);
        switch (check.Verdict)
        {
            case ShellProcessVerdict.Refused or ShellProcessVerdict.NoPid:
                throw new JobBackendException($"cannot cancel {handle.Key}: {check.Reason}; nothing was signalled");
            case ShellProcessVerdict.NotTheJob or ShellProcessVerdict.Ended:
                return;
        }

        if (exitFile is not null)
        {
            AtomicFile.WriteAllText(CancelledMarker(exitFile), IsoTime.Format(clock.GetUtcNow()) + "\n");
        }

        var pid = check.Pid;
        var group = check.Probe.ProcessGroup == pid;
        Signal(pid, group, Posix.SigTerm);
        try
        {
            var started = clock.GetTimestamp();
            while (Judge(handle).Verdict == ShellProcessVerdict.Running && clock.GetElapsedTime(started) < grace)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Asked to stop waiting: the job must not be left running, so it is killed now rather than after the grace.
            await KillAsync(handle, pid, group, exitFile).ConfigureAwait(false);
            throw;
        }

        if (Judge(handle).Verdict == ShellProcessVerdict.Running)
        {
            await KillAsync(handle, pid, group, exitFile).ConfigureAwait(false);
        }
        else if (group)
        {
            // The job ended on SIGTERM; children it started into its group that ignored it go now.
            Signal(pid, group: true, Posix.SigKill);
        }

        if (exitFile is not null && Path.GetDirectoryName(exitFile) is { } directory && ReadExitCode(exitFile) is null)
        {
            ShellPredecessors.RecordCancelledWhileWaiting(directory);
        }
    }

    private static string CancelledMarker(string exitFile) => exitFile + ".cancelled";

    /// <summary>Seconds from the job's start (its recorder's <c>started</c> file) to its exit record, or to now while it runs.</summary>
    private static double? Elapsed(string? exitFile, bool ended, bool running, TimeProvider clock)
    {
        if (exitFile is null || Path.GetDirectoryName(exitFile) is not { } directory || (!ended && !running))
        {
            return null;
        }

        var started = new FileInfo(Path.Combine(directory, "started"));
        if (!started.Exists)
        {
            return null;
        }

        var end = ended ? File.GetLastWriteTimeUtc(exitFile) : clock.GetUtcNow().UtcDateTime;
        var seconds = (end - started.LastWriteTimeUtc).TotalSeconds;
        return seconds >= 0 ? Math.Round(seconds, 3) : null;
    }

    /// <summary>Checks the process a handle names (its pid, or the job id of an original record) against /proc.</summary>
    internal static ShellProcessCheck Judge(JobHandle handle)
    {
        var pid = ShellJobProcess.RecordedPid(handle);
        var probe = pid is > 1 and <= int.MaxValue ? ProcessProbe.Read((int)pid.Value) : default;
        return ShellJobProcess.Judge(handle, probe, (Environment.ProcessId, Posix.ProcessGroup(), Posix.Session()), ProcessProbe.BootId);
    }

    internal static void Signal(int pid, bool group, int signal)
    {
        if (group)
        {
            Posix.SignalGroup(pid, signal);
        }
        else
        {
            Posix.SignalProcess(pid, signal);
        }
    }

    internal static int? ReadExitCode(string? exitFile)
    {
        if (exitFile is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(SafeFile.ReadAllBytes(exitFile, followLinks: false, maxBytes: 64));
            return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Kills what is left of the job and, once it is gone, writes the exit record its killed recorder could not.</summary>
    private async Task KillAsync(JobHandle handle, int pid, bool group, string? exitFile)
    {
        Signal(pid, group, Posix.SigKill);
        var started = clock.GetTimestamp();
        while (Judge(handle).Verdict == ShellProcessVerdict.Running && clock.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), clock, CancellationToken.None).ConfigureAwait(false);
        }

        if (exitFile is not null && ReadExitCode(exitFile) is null && Judge(handle).Verdict != ShellProcessVerdict.Running)
        {
            // What a shell reports for a process killed by SIGKILL.
            AtomicFile.WriteAllText(exitFile, "137\n");
        }
    }
}
