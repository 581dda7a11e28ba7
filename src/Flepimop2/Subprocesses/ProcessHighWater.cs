using System.Globalization;

namespace Flepimop2.Subprocesses;

/// <summary>
/// Follows a running process's own peak resident memory (<c>VmHWM</c> in <c>/proc/PID/status</c>, a high-water mark, so a
/// sample misses only growth after the last one), or with <see cref="AddressSpace"/> the largest address space of its
/// process tree, read every 100 ms until disposed.
/// </summary>
internal sealed class ProcessHighWater : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);
    private readonly int _pid;
    private readonly Func<int, long> _read;
    private readonly ITimer _timer;
    private long _peak;

    public ProcessHighWater(int pid, TimeProvider clock)
        : this(pid, clock, p => Field(p, "VmHWM:"))
    {
    }

    private ProcessHighWater(int pid, TimeProvider clock, Func<int, long> read)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _pid = pid;
        _read = read;
        Sample();
        _timer = clock.CreateTimer(_ => Sample(), null, Every, Every);
    }

    /// <summary>
    /// Follows the largest address space any process of the tree under <paramref name="pid"/> reached
    /// (<see cref="ProcessTree.LargestVirtualPeak"/>); a descendant that starts and ends between two reads is missed. The
    /// command is started with <c>posix_spawn</c>, whose child has run its <c>exec</c> by the time the parent resumes, so
    /// no read sees the starting process's own space.
    /// </summary>
    public static ProcessHighWater AddressSpace(int pid, TimeProvider clock) => new(pid, clock, ProcessTree.LargestVirtualPeak);

    /// <summary>The highest mark read, in bytes; 0 before any could be read.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>A process's resident memory now (<c>VmRSS</c>), in bytes; 0 when it cannot be read.</summary>
    public static long ResidentBytes(int pid) => Field(pid, "VmRSS:");

    public void Dispose() => _timer.Dispose();

    /// <summary>A size field of <c>/proc/PID/status</c> (<c>VmHWM:</c>, <c>VmPeak:</c>), in bytes; 0 when it cannot be read (it ended).</summary>
    internal static long Field(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(name.Length).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes)
                    && kilobytes < long.MaxValue / 1024)
                {
                    return kilobytes * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // It has ended: the last mark stands.
        }

        return 0;
    }

    private void Sample()
    {
        var mark = _read(_pid);
        long seen;
        while (mark > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, mark, seen) != seen)
        {
        }
    }
}
