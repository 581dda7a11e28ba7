using System.Globalization;
using Flepimop2.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>Whether the process a detached shell job's handle points at may be treated as the job.</summary>
internal enum ShellProcessVerdict
{
    /// <summary>It is the job, and it is alive.</summary>
    Running,

    /// <summary>It was the job (or nothing else has the pid now), and it is gone or a zombie.</summary>
    Ended,

    /// <summary>A process has the pid, but it cannot be the job (started at another time, or not a session leader).</summary>
    NotTheJob,

    /// <summary>The pid can never be signalled as a job (0, 1, negative, this program's own process, group or session).</summary>
    Refused,

    /// <summary>The handle records no process id.</summary>
    NoPid,
}

/// <summary>What <see cref="ShellJobProcess.Judge"/> decided, and why.</summary>
internal readonly record struct ShellProcessCheck(ShellProcessVerdict Verdict, int Pid, string? Reason, ProcessProbe Probe);

/// <summary>
/// The liveness rule of detached shell jobs, as a pure function of the handle and what <c>/proc</c> says. A pid alone is never
/// trusted: pids are reused (here they wrap at 32768). The job is the process with the recorded pid that started at the
/// recorded instant of the same boot; for a handle that recorded no start time (the original program's), it is a session
/// leader (the job was started in a new session) that started no earlier than the submission. Whatever cannot be the job
/// is never signalled and never called running.
/// </summary>
internal static class ShellJobProcess
{
    /// <summary>
    /// How much earlier than its recorded submission a process may have started and still be the job: the resolution of the
    /// recorded time (a whole second when it has no fraction, as the original writes it; the original also records the time
    /// just after starting the job) and that of a process's start time (a clock tick, with the boot time to a hundredth).
    /// </summary>
    public static TimeSpan StartTolerance(DateTimeOffset submittedAt) =>
        (submittedAt.Ticks % TimeSpan.TicksPerSecond == 0 ? TimeSpan.FromSeconds(1) : TimeSpan.Zero) + TimeSpan.FromMilliseconds(50);

    /// <summary>The pid the handle names: <c>metadata.pid</c>, or for the original's detached jobs the job id.</summary>
    public static long? RecordedPid(JobHandle handle) =>
        JsonText.Int64(handle.Metadata.GetValueOrDefault("pid"))
        ?? (ShellRecord.Of(handle).Mode == ShellRecord.Detached && long.TryParse(handle.JobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null);

    /// <summary>Decides whether the process <paramref name="probe"/> describes is the job.</summary>
    /// <param name="handle">The job's handle.</param>
    /// <param name="probe">What /proc says about the recorded pid now.</param>
    /// <param name="self">This program's pid, process group and session: never signalled.</param>
    /// <param name="bootId">This boot's id.</param>
    public static ShellProcessCheck Judge(JobHandle handle, ProcessProbe probe, (int Pid, int Group, int Session) self, string bootId)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (RecordedPid(handle) is not { } recorded)
        {
            return new(ShellProcessVerdict.NoPid, 0, "the handle records no process id", probe);
        }

        if (recorded is <= 1 or > int.MaxValue)
        {
            return new(ShellProcessVerdict.Refused, 0, $"its recorded pid {recorded} cannot be a job's process (0, 1 and negative numbers address whole groups of processes)", probe);
        }

        var pid = (int)recorded;
        if (pid == self.Pid || pid == self.Group || pid == self.Session || (probe.Exists && probe.ProcessGroup == self.Group))
        {
            return new(ShellProcessVerdict.Refused, pid, $"its recorded pid {pid} is this flepimop2's own process, process group or session", probe);
        }

        if (!probe.Exists)
        {
            return new(ShellProcessVerdict.Ended, pid, null, probe);
        }

        var start = JsonText.Int64(handle.Metadata.GetValueOrDefault("start_time"));
        var boot = ShellRecord.Of(handle).BootId;
        if (boot is not null && boot != bootId)
        {
            return new(ShellProcessVerdict.NotTheJob, pid, $"pid {pid} belongs to another process: the job ran before the machine last booted", probe);
        }

        if (probe.StartedAt is not { } startedAt || startedAt < handle.SubmittedAt - StartTolerance(handle.SubmittedAt))
        {
            // Whatever the handle says of its start: a process older than the submission is not the job.
            return new(ShellProcessVerdict.NotTheJob, pid, $"pid {pid} belongs to a process that started before the job was submitted", probe);
        }

        if (start is > 0)
        {
            if (start != probe.StartTicks)
            {
                return new(ShellProcessVerdict.NotTheJob, pid, $"pid {pid} now belongs to another process (it started at another time than the job)", probe);
            }
        }
        else if (probe.Session != pid || probe.ProcessGroup != pid)
        {
            return new(ShellProcessVerdict.NotTheJob, pid, $"pid {pid} belongs to a process that is not the leader of its own session, as a detached job is", probe);
        }

        return new(probe.IsAlive ? ShellProcessVerdict.Running : ShellProcessVerdict.Ended, pid, null, probe);
    }
}
