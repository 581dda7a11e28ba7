using System.Globalization;

namespace Flepimop2.Tests.Common;

/// <summary>What the tests read of <c>/proc/PID/stat</c>, parsed on their own so they do not trust the code under test.</summary>
public readonly record struct ProcStat(char State, int ParentPid, int ProcessGroup, int Session, long StartTicks)
{
    public bool IsAlive => State is not ('Z' or 'X' or 'x');

    public static ProcStat? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return new ProcStat(
                fields[0][0],
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                int.Parse(fields[2], CultureInfo.InvariantCulture),
                int.Parse(fields[3], CultureInfo.InvariantCulture),
                long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether the process lives (a zombie counts as gone).</summary>
    public static bool Alive(int pid) => Read(pid) is { IsAlive: true };

    /// <summary>This test process's process group.</summary>
    public static int OwnGroup() => Read(Environment.ProcessId)!.Value.ProcessGroup;
}
