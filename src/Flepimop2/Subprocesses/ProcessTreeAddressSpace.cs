using System.Globalization;

namespace Flepimop2.Subprocesses;

/// <summary>
/// Follows the largest address space any process of a running command reached: the peak virtual size (<c>VmPeak</c> in
/// <c>/proc/PID/status</c>, a high-water mark) of the command's process and of every descendant found through
/// <c>/proc/PID/task/TID/children</c>, read every 100 ms until disposed. Grid Engine's <c>h_vmem</c> caps each process's
/// address space, and a runtime (.NET, Java) reserves far more than it touches, which no resident figure shows; a
/// descendant that starts and ends between two reads is missed. The command is started with <c>posix_spawn</c>, whose
/// child has already run its <c>exec</c> when the parent resumes, so no read sees the starting process's own space.
/// </summary>
internal sealed class ProcessTreeAddressSpace : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);

    /// <summary>The most processes followed in one read: a fork bomb is not walked to its end.</summary>
    private const int MaxProcesses = 4096;

    private readonly int _pid;
    private readonly ITimer _timer;
    private long _peak;

    public ProcessTreeAddressSpace(int pid, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _pid = pid;
        Sample();
        _timer = clock.CreateTimer(_ => Sample(), null, Every, Every);
    }

    /// <summary>The largest peak read, in bytes; 0 before any could be read.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    public void Dispose() => _timer.Dispose();

    /// <summary>The processes of the tree under <paramref name="root"/>, itself first, at most <see cref="MaxProcesses"/>.</summary>
    internal static List<int> Tree(int root)
    {
        var found = new List<int> { root };
        var seen = new HashSet<int> { root };
        for (var i = 0; i < found.Count && found.Count < MaxProcesses; i++)
        {
            foreach (var child in Children(found[i]))
            {
                if (found.Count < MaxProcesses && seen.Add(child))
                {
                    found.Add(child);
                }
            }
        }

        return found;
    }

    /// <summary>A process's peak virtual size (<c>VmPeak</c>), in bytes; 0 when it cannot be read (it ended, or it is a zombie).</summary>
    internal static long VirtualPeak(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmPeak:", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan("VmPeak:".Length).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes)
                    && kilobytes < long.MaxValue / 1024)
                {
                    return kilobytes * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // It has ended: the last read stands.
        }

        return 0;
    }

    private static List<int> Children(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                foreach (var word in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var child) && child > 0)
                    {
                        children.Add(child);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // It ended while it was read: its orphaned children go to another parent and are no longer followed.
        }

        return children;
    }

    private void Sample()
    {
        var mark = 0L;
        foreach (var pid in Tree(_pid))
        {
            mark = Math.Max(mark, VirtualPeak(pid));
        }

        long seen;
        while (mark > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, mark, seen) != seen)
        {
        }
    }
}
