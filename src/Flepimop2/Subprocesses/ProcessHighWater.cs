using System.Globalization;

namespace Flepimop2.Subprocesses;

/// <summary>
/// Follows a running process's own peak resident memory (<c>VmHWM</c> in <c>/proc/PID/status</c>, a high-water mark, so a
/// sample misses only growth after the last one), read every 100 ms until disposed.
/// </summary>
internal sealed class ProcessHighWater : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);
    private readonly int _pid;
    private readonly ITimer _timer;
    private long _peak;

    public ProcessHighWater(int pid, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _pid = pid;
        Sample();
        _timer = clock.CreateTimer(_ => Sample(), null, Every, Every);
    }

    /// <summary>The highest mark read, in bytes; 0 before any could be read.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>A process's resident memory now (<c>VmRSS</c>), in bytes; 0 when it cannot be read.</summary>
    public static long ResidentBytes(int pid) => Field(pid, "VmRSS:");

    public void Dispose() => _timer.Dispose();

    private static long Field(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(name.Length).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes))
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
        var mark = Field(_pid, "VmHWM:");
        long seen;
        while (mark > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, mark, seen) != seen)
        {
        }
    }
}
