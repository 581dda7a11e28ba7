namespace Flepimop2.Store;

/// <summary>
/// How <see cref="JobTracker.WaitAsync(IReadOnlyList{StoredJob}, JobWaitOptions, IProgress{JobWaitProgress}?, CancellationToken)"/>
/// polls: it pauses <see cref="Interval"/> after a round in which something changed, and half again as long after each round
/// in which nothing did, up to <see cref="LongestPause"/>.
/// </summary>
public sealed record JobWaitOptions
{
    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(200);

    /// <summary>The options of <c>job wait</c>: 200 ms after a change, up to 2 s while nothing changes, no timeout.</summary>
    public static JobWaitOptions Default { get; } = new();

    /// <summary>The shortest <see cref="Interval"/>: a millisecond, the resolution of the timers that pause.</summary>
    public static readonly TimeSpan ShortestInterval = TimeSpan.FromMilliseconds(1);

    /// <summary>The pause after a round that saw a change (and after the first round); at least <see cref="ShortestInterval"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Shorter than <see cref="ShortestInterval"/>: a pause a timer cannot make would ask the backends without pause.</exception>
    public TimeSpan Interval
    {
        get => _interval;
        init => _interval = value >= ShortestInterval ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the interval must be at least a millisecond");
    }

    /// <summary>
    /// The longest pause, reached after some rounds in which nothing changed: ten times <see cref="Interval"/> (or
    /// <see cref="TimeSpan.MaxValue"/>, should that be longer), so a long wait costs the scheduler a tenth of what polling at the
    /// interval would.
    /// </summary>
    public TimeSpan LongestPause => Interval <= TimeSpan.MaxValue / 10 ? Interval * 10 : TimeSpan.MaxValue;

    /// <summary>When to give up; never when null.</summary>
    public TimeSpan? Timeout { get; init; }
}
