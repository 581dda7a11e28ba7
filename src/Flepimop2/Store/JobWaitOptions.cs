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

    /// <summary>The pause after a round that saw a change (and after the first round); above zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan Interval
    {
        get => _interval;
        init => _interval = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the interval must be above zero");
    }

    /// <summary>
    /// The longest pause, reached after some rounds in which nothing changed: ten times <see cref="Interval"/>, so a long
    /// wait costs the scheduler a tenth of what polling at the interval would.
    /// </summary>
    public TimeSpan LongestPause => Interval * 10;

    /// <summary>When to give up; never when null.</summary>
    public TimeSpan? Timeout { get; init; }
}
