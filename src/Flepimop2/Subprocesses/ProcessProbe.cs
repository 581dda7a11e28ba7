using System.Globalization;

namespace Flepimop2.Subprocesses;

/// <summary>
/// What <c>/proc</c> says about a process: whether it exists, when it started (clock ticks since boot), its state letter,
/// its parent, process group and session. A pid alone is not enough to recognise a job, because pids are reused.
/// </summary>
internal readonly record struct ProcessProbe(bool Exists, long StartTicks, char State, int ProcessGroup, int ParentPid = 0, int Session = 0, long ResidentPages = 0)
{
    /// <summary>Clock ticks per second of <c>/proc/PID/stat</c>'s start time; 100 on every Linux the project targets.</summary>
    public const int ClockTicksPerSecond = 100;

    private static readonly Lazy<string> BootIdValue = new(() => ReadOrEmpty("/proc/sys/kernel/random/boot_id").Trim());

    private static readonly Lazy<DateTimeOffset?> BootTimeValue = new(() =>
    {
        DateTimeOffset? btime = null;
        foreach (var line in ReadOrEmpty("/proc/stat").Split('\n'))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                btime = DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        // btime is cut to the second; now less the uptime (to the hundredth) places the boot within a tick or two, so that
        // start times compare with a submission's to a few hundredths rather than to a second.
        var uptime = ReadOrEmpty("/proc/uptime").Split(' ')[0];
        if (btime is { } whole && double.TryParse(uptime, NumberStyles.Float, CultureInfo.InvariantCulture, out var up))
        {
            var precise = TimeProvider.System.GetUtcNow() - TimeSpan.FromSeconds(up);
            if (precise >= whole - TimeSpan.FromSeconds(1) && precise <= whole + TimeSpan.FromSeconds(2))
            {
                return precise;
            }
        }

        return btime;
    });

    public static string BootId => BootIdValue.Value;

    /// <summary>When this machine booted (to a few hundredths of a second where <c>/proc/uptime</c> says, else to the second), or null when <c>/proc/stat</c> does not say.</summary>
    public static DateTimeOffset? BootTime => BootTimeValue.Value;

    /// <summary>A zombie or dead process has finished, even though its pid still shows.</summary>
    public bool IsAlive => Exists && State is not ('Z' or 'X' or 'x');

    /// <summary>When the process started, to a few hundredths of a second (see <see cref="BootTime"/>), or null when unknown.</summary>
    public DateTimeOffset? StartedAt => Exists && BootTime is { } boot
        ? boot + TimeSpan.FromSeconds(StartTicks / (double)ClockTicksPerSecond)
        : null;

    public string StateName => State switch
    {
        'R' => "running",
        'S' => "sleeping",
        'D' => "disk-sleep",
        'T' or 't' => "stopped",
        'Z' => "zombie",
        'X' or 'x' => "dead",
        'I' => "idle",
        _ => State.ToString(),
    };

    /// <summary>
    /// Waits (briefly) until <c>setsid</c> has made a new process the leader of its own group, so that a cancel right after
    /// a submission signals that group and nothing else.
    /// </summary>
    public static ProcessProbe WaitForOwnGroup(int pid, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var started = clock.GetTimestamp();
        var probe = Read(pid);
        while (probe.Exists && probe.ProcessGroup != pid && clock.GetElapsedTime(started) < TimeSpan.FromSeconds(2))
        {
            // Polled without a timer: setsid takes microseconds, and this runs before the handle exists.
            Thread.Yield();
            probe = Read(pid);
        }

        return probe;
    }

    public static ProcessProbe Read(int pid)
    {
        if (pid <= 0)
        {
            return default;
        }

        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return default;
        }

        return Parse(text) ?? default;
    }

    /// <summary>Parses <c>/proc/PID/stat</c>; the command name may hold spaces and parentheses, so fields are counted after the last ')'.</summary>
    public static ProcessProbe? Parse(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // After ')' come fields 3 (state), 4 (ppid), 5 (pgrp), 6 (session), ... 22 (starttime).
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20
            || fields[0].Length != 1
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        // Field 24, resident pages; absent or unreadable reads as none.
        var resident = fields.Length > 21 && long.TryParse(fields[21], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pages) && pages > 0 ? pages : 0;
        return new ProcessProbe(true, start, fields[0][0], group, parent, session, resident);
    }

    /// <summary>Every process now in <c>/proc</c>, with its probe.</summary>
    public static IEnumerable<(int Pid, ProcessProbe Probe)> All()
    {
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var directory in directories)
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { Exists: true } probe)
            {
                yield return (pid, probe);
            }
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
