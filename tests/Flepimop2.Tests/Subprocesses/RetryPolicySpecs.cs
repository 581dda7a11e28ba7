using Flepimop2.Subprocesses;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Subprocesses;

/// <summary>Retries with back-off, on a fake clock: no test sleeps.</summary>
public sealed class RetryPolicySpecs
{
    private static readonly RetryPolicy Policy = new([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], TimeSpan.FromSeconds(15));

    /// <summary>Runs the policy, advancing the fake clock through each wait, and returns the attempts' start times.</summary>
    private static async Task<(int Result, List<TimeSpan> Starts)> Run(RetryPolicy policy, Func<int, int> answer, Func<int, bool> transient, TimeSpan? attemptTakes = null)
    {
        var clock = new FakeTimeProvider();
        var origin = clock.GetTimestamp();
        var starts = new List<TimeSpan>();
        var run = policy.RunAsync(
            _ =>
            {
                starts.Add(clock.GetElapsedTime(origin));
                clock.Advance(attemptTakes ?? TimeSpan.Zero);
                return Task.FromResult(answer(starts.Count));
            },
            transient,
            clock,
            CancellationToken.None);
        while (!run.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        return (await run, starts);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_with_doubling_waits_until_it_passes()
    {
        var (result, starts) = await Run(Policy, attempt => attempt < 3 ? 1 : 0, r => r != 0);

        Assert.Equal(0, result);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], starts);
    }

    [Fact]
    public async Task A_lasting_failure_is_returned_after_the_last_retry()
    {
        var (result, starts) = await Run(Policy, _ => 1, r => r != 0);

        Assert.Equal(1, result);
        Assert.Equal(4, starts.Count);
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_is_not_retried()
    {
        var (result, starts) = await Run(Policy, _ => 2, r => r == 1);

        Assert.Equal(2, result);
        Assert.Single(starts);
    }

    [Fact]
    public async Task No_retry_starts_past_the_budget()
    {
        // Each attempt takes 9 s (a Slurm client against a dead controller): the second ends at 19 s, past 15 s.
        var (_, starts) = await Run(Policy, _ => 1, r => r != 0, TimeSpan.FromSeconds(9));

        Assert.Equal(2, starts.Count);
    }
}
