namespace Flepimop2.Subprocesses;

/// <summary>
/// Runs an operation again while its result says the failure was transient, waiting longer each time (through a
/// <see cref="TimeProvider"/>, so tests do not sleep), and never starting a retry past a budget of total time.
/// </summary>
/// <param name="Backoff">The waits before the first, second, ... retry; as many retries as waits.</param>
/// <param name="Budget">No retry starts later than this after the first attempt.</param>
internal sealed record RetryPolicy(IReadOnlyList<TimeSpan> Backoff, TimeSpan Budget)
{
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> attempt, Func<T, bool> isTransient, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(isTransient);
        ArgumentNullException.ThrowIfNull(clock);
        var started = clock.GetTimestamp();
        for (var retry = 0; ; retry++)
        {
            var result = await attempt(cancellationToken).ConfigureAwait(false);
            if (!isTransient(result) || retry >= Backoff.Count || clock.GetElapsedTime(started) + Backoff[retry] > Budget)
            {
                return result;
            }

            await Task.Delay(Backoff[retry], clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
