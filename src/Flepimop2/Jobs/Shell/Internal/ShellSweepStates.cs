using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// The state table of a shell sweep's tasks, a pure function of its records and of whether its supervisor still runs.
/// </summary>
/// <remarks>
/// <code>
/// exit record          started   supervisor          task status        detail
/// 0                    -         -                   successful         returncode
/// N != 0               -         -                   failed             returncode; cancelled, signal (N-128) if cancelled
/// "cancelled"          -         -                   failed             reason: cancelled before it started
/// none                 yes       running             running            pid
/// none                 yes       gone, task alive    running            pid (its recorder still waits for it)
/// none                 yes       gone                finished_unknown   reason: ended without recording its exit code
/// none                 no        running             pending
/// none                 no        gone, cancelled     failed             reason: cancelled before it started
/// none                 no        gone                finished_unknown   reason: the supervisor ended before starting it
/// </code>
/// </remarks>
internal static class ShellSweepStates
{
    public static JobStatusResult Decide(JobHandle handle, int count, ShellSweepRecords records, bool supervisorRunning, IReadOnlyDictionary<string, JsonNode?> detail, IReadOnlySet<int>? stillRunning = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(records);
        var tasks = new SweepTaskStatus[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = Task(i, records, supervisorRunning || stillRunning?.Contains(i) == true);
        }

        var sweep = new SweepStatus(tasks);
        return new JobStatusResult(handle, sweep.Overall) { Detail = detail, Sweep = sweep };
    }

    /// <summary>One task's status, as the table above says.</summary>
    public static SweepTaskStatus Task(int index, ShellSweepRecords records, bool supervisorRunning)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Results.TryGetValue(index, out var code))
        {
            if (code is not { } rc)
            {
                return Ended(index, JobStatus.Failed, "cancelled before it started");
            }

            var detail = new Dictionary<string, JsonNode?> { ["returncode"] = rc };
            if (records.Elapsed?.TryGetValue(index, out var seconds) == true)
            {
                detail[JobDetailKeys.ElapsedSeconds] = seconds;
            }

            if (records.Times?.TryGetValue(index, out var times) == true)
            {
                detail[JobDetailKeys.StartedAt] = IsoTime.Format(times.Start);
                detail[JobDetailKeys.EndedAt] = IsoTime.Format(times.End);
            }

            foreach (var (key, value) in records.Usage(index))
            {
                detail[key] = value;
            }

            if (rc != 0 && records.IsCancelled(index))
            {
                detail["cancelled"] = true;
                if (rc > 128)
                {
                    detail["signal"] = rc - 128;
                }
            }

            return new SweepTaskStatus(index, rc == 0 ? JobStatus.Successful : JobStatus.Failed) { ExitCode = rc, Detail = detail };
        }

        if (records.Started.Contains(index))
        {
            return supervisorRunning
                ? new SweepTaskStatus(index, JobStatus.Running) { Detail = Pid(records, index) }
                : Ended(index, JobStatus.FinishedUnknown, "the task ended without recording its exit code (its recorder was killed)");
        }

        if (supervisorRunning)
        {
            return new SweepTaskStatus(index, JobStatus.Pending);
        }

        return records.IsCancelled(index)
            ? Ended(index, JobStatus.Failed, "cancelled before it started")
            : Ended(index, JobStatus.FinishedUnknown, "the sweep's supervisor ended before starting it");
    }

    private static SweepTaskStatus Ended(int index, JobStatus status, string reason) =>
        new(index, status) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = reason } };

    private static Dictionary<string, JsonNode?> Pid(ShellSweepRecords records, int index) =>
        records.Pids.TryGetValue(index, out var process) ? new() { ["pid"] = process.Pid } : [];
}
