using System.Globalization;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// What <c>/proc</c> says about a process: whether it exists, when it started (clock ticks since boot),
/// and its state letter. A pid alone is not enough to recognise a job, because pids are reused.
/// </summary>
internal readonly record struct ProcessProbe(bool Exists, long StartTicks, char State, int ProcessGroup)
{
    private static readonly Lazy<string> BootIdValue = new(() =>
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    });

    public static string BootId => BootIdValue.Value;

    /// <summary>A zombie or dead process has finished, even though its pid still shows.</summary>
    public bool IsAlive => Exists && State is not ('Z' or 'X' or 'x');

    public static ProcessProbe Read(int pid)
    {
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
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // After ')' come fields 3 (state), 4 (ppid), 5 (pgrp), ... 22 (starttime).
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20
            || fields[0].Length != 1
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return new ProcessProbe(true, start, fields[0][0], group);
    }

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
}
