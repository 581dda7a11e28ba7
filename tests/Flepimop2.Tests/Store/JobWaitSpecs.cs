using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Store;

/// <summary>The library's wait loop, on a fake clock: no test sleeps, and the rounds are counted.</summary>
public sealed class JobWaitSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs a wait to its end, advancing the fake clock while it pauses.</summary>
    private static async Task<JobWaitProgress> Drive(FakeTimeProvider clock, Task<JobWaitProgress> wait)
    {
        while (!wait.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, CancellationToken.None);
        }

        return await wait;
    }

    private (JobTracker Tracker, FakeTimeProvider Clock, Rounds Rounds, List<StoredJob> Jobs) Setup(int finishAfterRounds, params string[] ids)
    {
        var clock = new FakeTimeProvider();
        var rounds = new Rounds(finishAfterRounds);
        JobRunners.Register("tests.rounds", (config, _) => new RoundsRunner(rounds));
        var store = JobStore.ForDirectory(_temp.Path);
        var jobs = ids.Select(id => store.Save(new JobHandle(id, "rounds", DateTimeOffset.UtcNow), new JsonObject { ["module"] = "tests.rounds" })).ToList();
        return (new JobTracker(store, clock: clock), clock, rounds, jobs);
    }

    [Fact]
    public async Task A_wait_asks_until_every_job_has_finished_and_pauses_longer_each_round()
    {
        var (tracker, clock, rounds, jobs) = Setup(4, "a", "b");
        var seen = new List<TimeSpan>();

        var end = await Drive(clock, tracker.WaitAsync(jobs, progress: new Collect(p => seen.Add(p.Elapsed))));

        Assert.Empty(end.Unfinished);
        Assert.True(end.AllSucceeded);
        Assert.Equal(4, rounds.Count);
        Assert.Equal(4, seen.Count);

        // 200 ms, then half again as long each time (to the 100 ms step the test advances the clock by).
        var pauses = seen.Zip(seen.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        Assert.Equal([200, 300, 500], pauses);
    }

    [Fact]
    public async Task A_wait_gives_up_at_its_timeout_and_says_what_is_unfinished()
    {
        var (tracker, clock, _, jobs) = Setup(int.MaxValue, "slow");

        var end = await Drive(clock, tracker.WaitAsync(jobs, TimeSpan.FromSeconds(5)));

        Assert.Equal(["rounds-slow"], end.Unfinished.Select(j => j.Key));
        Assert.True(end.Elapsed >= TimeSpan.FromSeconds(5) && end.Elapsed < TimeSpan.FromSeconds(6), end.Elapsed.ToString());
        Assert.Equal([("running", 1)], end.Counts());
    }

    [Fact]
    public async Task A_wait_asks_only_about_the_jobs_still_unfinished()
    {
        var (tracker, clock, rounds, jobs) = Setup(3, "a", "b");
        rounds.FinishNow.Add("a");

        await Drive(clock, tracker.WaitAsync(jobs));

        Assert.Equal(["a", "b", "b", "b"], rounds.Asked);
    }

    [Fact]
    public async Task A_wait_comes_back_to_its_interval_when_something_changes_and_says_which_jobs_changed_in_which_round()
    {
        var (tracker, clock, rounds, jobs) = Setup(5, "a", "b");
        rounds.Status = (round, id) => id == "b" ? (round < 5 ? JobStatus.Running : JobStatus.Successful) : round switch
        {
            <= 2 => JobStatus.Pending,
            <= 4 => JobStatus.Running,
            _ => JobStatus.Successful,
        };
        var seen = new List<JobWaitProgress>();

        var end = await Drive(clock, tracker.WaitAsync(jobs, JobWaitOptions.Default, new Collect(seen.Add)));

        Assert.Equal([1, 2, 3, 4, 5], seen.Select(p => p.Round));
        Assert.Equal(["a b", string.Empty, "a", string.Empty, "a b"], seen.Select(p => string.Join(' ', p.Changed.Select(j => j.Handle.JobId))));
        var pauses = seen.Zip(seen.Skip(1), (x, y) => (y.Elapsed - x.Elapsed).TotalMilliseconds).ToList();
        Assert.Equal([200, 300, 200, 300], pauses);
        Assert.True(end.AllSucceeded);
    }

    [Fact]
    public async Task A_wait_at_a_longer_interval_backs_off_to_ten_times_it()
    {
        var (tracker, clock, _, jobs) = Setup(12, "a");
        var seen = new List<TimeSpan>();

        await Drive(clock, tracker.WaitAsync(jobs, new JobWaitOptions { Interval = TimeSpan.FromSeconds(1) }, new Collect(p => seen.Add(p.Elapsed))));

        var pauses = seen.Zip(seen.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        Assert.Equal([1000, 1500, 2300, 3400, 5100, 7600, 10000, 10000], pauses.Take(8));
    }

    [Fact]
    public async Task A_wait_at_an_interval_longer_than_a_timer_takes_pauses_that_long()
    {
        // A timer takes at most about 49.7 days; an interval of a year backs off to ten years.
        var (tracker, clock, _, jobs) = Setup(3, "a");
        var year = TimeSpan.FromDays(365);
        var seen = new List<TimeSpan>();

        var wait = tracker.WaitAsync(jobs, new JobWaitOptions { Interval = year }, new Collect(p => seen.Add(p.Elapsed)));
        while (!wait.IsCompleted)
        {
            clock.Advance(TimeSpan.FromDays(5));
            await Task.Delay(1, CancellationToken.None);
        }

        await wait;
        Assert.Equal(3, seen.Count);
        Assert.InRange(seen[1] - seen[0], year, year + TimeSpan.FromDays(5));
        Assert.InRange(seen[2] - seen[1], year * 1.5, (year * 1.5) + TimeSpan.FromDays(5));
    }

    [Fact]
    public void An_interval_shorter_than_a_millisecond_is_refused_as_no_timer_can_make_it()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JobWaitOptions { Interval = TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond - 1) });
        Assert.Equal(TimeSpan.FromMilliseconds(10), new JobWaitOptions { Interval = JobWaitOptions.ShortestInterval }.LongestPause);
    }

    [Fact]
    public void The_longest_pause_of_the_longest_interval_does_not_overflow()
    {
        Assert.Equal(TimeSpan.MaxValue, new JobWaitOptions { Interval = TimeSpan.MaxValue }.LongestPause);
    }

    private sealed class Collect(Action<JobWaitProgress> report) : IProgress<JobWaitProgress>
    {
        public void Report(JobWaitProgress value) => report(value);
    }

    /// <summary>Counts rounds of status queries; every job finishes (successful) at a given round.</summary>
    private sealed class Rounds(int finishAfter)
    {
        public int Count { get; set; }

        public int FinishAfter { get; } = finishAfter;

        public List<string> Asked { get; } = [];

        public HashSet<string> FinishNow { get; } = [];

        /// <summary>When set, the status of a job (by id) in a round (from 1), instead of running until <see cref="FinishAfter"/>.</summary>
        public Func<int, string, JobStatus>? Status { get; set; }
    }

    private sealed class RoundsRunner(Rounds rounds) : JobRunner
    {
        public override string Module => "tests.rounds";

        public override JsonObject ToConfiguration() => new() { ["module"] = Module };

        protected override Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override Task<IReadOnlyList<JobStatusResult>> StatusManyCoreAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken)
        {
            rounds.Count++;
            rounds.Asked.AddRange(handles.Select(h => h.JobId));
            IReadOnlyList<JobStatusResult> results = [.. handles.Select(h => new JobStatusResult(
                h,
                rounds.Status?.Invoke(rounds.Count, h.JobId)
                    ?? (rounds.Count >= rounds.FinishAfter || rounds.FinishNow.Contains(h.JobId) ? JobStatus.Successful : JobStatus.Running)))];
            return Task.FromResult(results);
        }

        protected override Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
