using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// The shell runner's state decision, as pure functions of what is on record and what the process check found.
/// </summary>
/// <remarks>
/// Blocking jobs: the recorded return code decides (0 successful, else failed; a handle of the original without one keeps
/// it in the job id). Detached jobs, first match wins:
/// <code>
/// exit record      process check              status            detail
/// 0                (not asked)                successful        returncode
/// N != 0           (not asked)                failed            returncode; cancelled, signal (N-128) if cancelled
/// none, not run    (not asked)                failed            reason: why it did not run (a predecessor); cancelled
/// none, waiting    Running                    pending           pid, state, reason: waiting for its predecessors
/// none             Running                    running           pid, state
/// none             NoPid / Refused            finished_unknown  reason: why the pid cannot be the job's
/// none, no record  Ended / NotTheJob          finished_unknown  reason: started by a program that keeps no exit code
/// none             NotTheJob                  finished_unknown  reason: ended unrecorded, pid now another process's
/// none             Ended                      finished_unknown  reason: ended unrecorded (its recorder was killed)
/// </code>
/// </remarks>
internal static class ShellStates
{
    public static JobStatusResult Blocking(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var code = JsonText.Int64(handle.Metadata.GetValueOrDefault("returncode"))
            ?? (long.TryParse(handle.JobId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var legacy) ? legacy : null);
        if (code is null)
        {
            return new JobStatusResult(handle, JobStatus.FinishedUnknown) { Detail = Detail(("reason", "the handle has no return code")) };
        }

        var cancelled = handle.Metadata.GetValueOrDefault("cancelled") is JsonValue flag && flag.TryGetValue<bool>(out var yes) && yes;
        return new JobStatusResult(handle, code == 0 ? JobStatus.Successful : JobStatus.Failed)
        {
            Detail = Detail(
                ("returncode", code.Value),
                ("pid", handle.Metadata.GetValueOrDefault("pid")?.DeepClone()),
                ("state", "exited"),
                ("cancelled", cancelled && code != 0 ? true : null),
                ("signal", cancelled && code > 128 ? code - 128 : null),
                ("elapsed_seconds", handle.Metadata.GetValueOrDefault("elapsed_seconds")?.DeepClone()),
                ("peak_rss_bytes", handle.Metadata.GetValueOrDefault("peak_rss_bytes")?.DeepClone())),
        };
    }

    /// <param name="handle">The job.</param>
    /// <param name="exitCode">The code in the job's exit record, if there is one.</param>
    /// <param name="cancelled">Whether a cancel was requested (its marker is on record).</param>
    /// <param name="check">What the process check found; only looked at without an exit record.</param>
    /// <param name="keepsExitRecord">Whether the handle names an exit record (the original's do not).</param>
    /// <param name="waiting">Whether its recorder is still waiting for the jobs it runs after.</param>
    /// <param name="notRun">Why the job did not run, when its recorder recorded that it will not.</param>
    public static JobStatusResult Detached(JobHandle handle, int? exitCode, bool cancelled, ShellProcessCheck check, bool keepsExitRecord, bool waiting = false, string? notRun = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (exitCode is { } code)
        {
            var detail = Detail(("returncode", code), ("pid", ShellJobProcess.RecordedPid(handle)), ("state", "exited"));
            if (code != 0 && cancelled)
            {
                detail["cancelled"] = true;
                if (code > 128)
                {
                    detail["signal"] = code - 128;
                }
            }

            return new JobStatusResult(handle, code == 0 ? JobStatus.Successful : JobStatus.Failed) { Detail = detail };
        }

        if (notRun is not null)
        {
            return new JobStatusResult(handle, JobStatus.Failed) { Detail = Detail(("reason", $"{notRun} (it did not run)"), ("cancelled", cancelled ? true : null)) };
        }

        if (check.Verdict == ShellProcessVerdict.Running)
        {
            return waiting
                ? new JobStatusResult(handle, JobStatus.Pending) { Detail = Detail(("pid", check.Pid), ("state", check.Probe.StateName), ("reason", ShellPredecessors.WaitingReason(handle))) }
                : new JobStatusResult(handle, JobStatus.Running) { Detail = Detail(("pid", check.Pid), ("state", check.Probe.StateName)) };
        }

        var reason = check.Verdict switch
        {
            ShellProcessVerdict.NoPid or ShellProcessVerdict.Refused => check.Reason!,
            _ when !keepsExitRecord => check.Verdict == ShellProcessVerdict.NotTheJob
                ? $"the job has ended; {check.Reason}; it was started by a program that keeps no exit-code record (the original flepimop2)"
                : "the job has ended; it was started by a program that keeps no exit-code record (the original flepimop2)",
            ShellProcessVerdict.NotTheJob => $"the process has ended without recording its exit code; {check.Reason}",
            _ => "the process has ended without recording its exit code (its recorder was killed)",
        };
        return new JobStatusResult(handle, JobStatus.FinishedUnknown)
        {
            Detail = Detail(
                ("pid", check.Pid > 0 ? check.Pid : null),
                ("state", check.Verdict switch
                {
                    ShellProcessVerdict.NotTheJob => "pid reused",
                    ShellProcessVerdict.Ended => check.Probe.Exists ? check.Probe.StateName : "gone",
                    _ => null,
                }),
                ("reason", reason)),
        };
    }

    private static Dictionary<string, JsonNode?> Detail(params (string Key, JsonNode? Value)[] items) =>
        items.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
}
