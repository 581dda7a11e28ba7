using System.Diagnostics;
using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Tests.Support;

/// <summary>What the tests of real jobs do with a runner: submit the dummy, and poll until jobs reach a state, with a bound.</summary>
public static class RunnerSteps
{
    public static async Task<JobHandle> SubmitAsync(JobRunner runner, params string[] argv)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand(argv)));
    }

    /// <summary>Polls the batch every <paramref name="interval"/> (half a second by default) until every job satisfies <paramref name="done"/>; fails with the last answers on timeout.</summary>
    public static async Task<IReadOnlyList<JobStatusResult>> WaitAsync(JobRunner runner, IReadOnlyList<JobHandle> handles, Func<JobStatusResult, bool> done, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var results = await runner.StatusManyAsync(handles);
            if (results.All(done))
            {
                return results;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"jobs did not reach the expected state within {timeout.TotalSeconds:0} s: {string.Join("; ", results.Where(r => !done(r)).Select(Describe))}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(500));
        }
    }

    public static Task<IReadOnlyList<JobStatusResult>> WaitFinishedAsync(JobRunner runner, IReadOnlyList<JobHandle> handles, TimeSpan timeout, TimeSpan? interval = null) =>
        WaitAsync(runner, handles, r => r.Status.IsFinished(), timeout, interval);

    public static string Describe(JobStatusResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"{result} {string.Join(' ', result.Detail.Select(kv => $"{kv.Key}={JsonText.Display(kv.Value)}"))}";
    }
}
