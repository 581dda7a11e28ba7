using Flepimop2.Internal;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// Watches for a cancel file while a recorded command runs (a packed task cancelled on its own, whose scheduler task runs
/// others): the file there, the command gets SIGTERM, and SIGKILL once it outlives the grace. It is polled, not watched
/// with inotify, which a cluster's shared filesystem does not carry from the submit host to the node.
/// </summary>
internal sealed class CancelWatch : IDisposable
{
    /// <summary>The signal a cancel sends, and records for a command cancelled before it started.</summary>
    public const int Signal = 15;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly int _pid;
    private readonly string _file;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private long _signalledAt;

    public CancelWatch(int pid, string file, TimeProvider clock)
    {
        _pid = pid;
        _file = file;
        _clock = clock;
        _timer = clock.CreateTimer(_ => Check(), null, Poll, Poll);
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        var first = Interlocked.Read(ref _signalledAt);
        if (first == 0)
        {
            if (File.Exists(_file))
            {
                Interlocked.Exchange(ref _signalledAt, _clock.GetTimestamp());
                Posix.SignalProcess(_pid, Signal);
            }
        }
        else if (_clock.GetElapsedTime(first) >= Grace)
        {
            Posix.SignalProcess(_pid, 9);
        }
    }
}
