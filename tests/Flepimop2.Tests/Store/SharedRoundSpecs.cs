using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;
using Flepimop2.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Store;

/// <summary>
/// One status round for many callers: watchers, waiters and listers of one store share the scheduler's answer through the
/// store (<c>rounds/</c>), under a site's <c>min-poll-interval</c> floor where one is set. Counted with a runner that counts
/// its rounds; the file hints are attacked as a careless or hostile hand would leave them.
/// </summary>
public sealed class SharedRoundSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    private Calls? Last { get; set; }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Eight_concurrent_watchers_of_one_store_make_no_more_rounds_than_one_watcher()
    {
        var alone = await WatchAsync(watchers: 1, "alone");
        var eight = await WatchAsync(watchers: 8, "eight");

        Assert.True(alone.Rounds >= 5, $"one watcher made {alone.Rounds} rounds");
        Assert.Equal(alone.Rounds, eight.Rounds);

        // Each of the eight still saw every round's answer.
        Assert.All(eight.Seen, seen => Assert.Equal(alone.Seen[0], seen));
    }

    [Fact]
    public async Task A_contended_round_lock_is_had_once_its_holder_lets_go_even_on_a_clock_that_does_not_move()
    {
        // A fake clock only moves when the test moves it: a lock's wait measured on it would never end (it hung a watcher test).
        var rounds = new SharedRounds(_temp.Path, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var holder = rounds.Enter("flepimop2.job.slurm", CancellationToken.None);
        Assert.NotNull(holder);

        var waiter = Task.Run(() => rounds.Enter("flepimop2.job.slurm", CancellationToken.None));
        await Task.Delay(200);
        Assert.False(waiter.IsCompleted);
        holder.Dispose();

        using var second = await waiter.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(second);
    }

    [Fact]
    public async Task A_store_lock_held_by_another_is_waited_for_in_real_time_whatever_the_stores_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new JobStore(_temp.Combine("store"), clock) { LockTimeout = TimeSpan.FromSeconds(1) };
        Directory.CreateDirectory(_temp.Combine("store"));
        using var held = Flepimop2.Internal.FileLock.Acquire(_temp.Combine("store", ".lock"), TimeSpan.FromSeconds(1), CancellationToken.None);

        var save = Task.Run(() => store.Save(new JobHandle("1", "shell", DateTimeOffset.UtcNow), new JsonObject()));

        var ex = await Assert.ThrowsAsync<JobStoreException>(() => save.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("locked by another process", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watchers_that_start_one_after_another_within_the_first_pause_fall_in_step_with_the_first()
    {
        var interval = TimeSpan.FromSeconds(1);
        var (alone, _) = await WatchAsync(watchers: 1, "first", interval: interval);
        var (eight, _) = await WatchAsync(watchers: 8, "staggered", TimeSpan.FromMilliseconds(100), interval);

        Assert.True(alone >= 5, $"one watcher made {alone} rounds");
        Assert.Equal(alone, eight);
    }

    [Theory]
    [InlineData(700)]
    [InlineData(1300)]
    [InlineData(2900)]
    public async Task Watchers_that_come_after_the_first_has_backed_off_fall_in_step_with_it(int staggerMilliseconds)
    {
        // Each comes later than the first one's pause: it takes the answer of the first one's pace, then its plan.
        var interval = TimeSpan.FromSeconds(1);
        var stagger = TimeSpan.FromMilliseconds(staggerMilliseconds);
        var (alone, _) = await WatchAsync(watchers: 1, "first", interval: interval, span: TimeSpan.FromSeconds(20) + (stagger * 7));
        var aloneTimes = Last!.Times;
        var (eight, _) = await WatchAsync(watchers: 8, "late", stagger, interval);

        Assert.True(eight <= alone, $"alone: {alone} rounds at {string.Join(' ', aloneTimes)} s; eight: {eight} at {string.Join(' ', Last!.Times)} s");
    }

    [Fact]
    public async Task A_watcher_alone_never_takes_its_own_last_answer_for_a_new_one()
    {
        var (rounds, _) = await WatchAsync(watchers: 1, "own");

        // Every pause ends in a round of its own: 20 s of pauses from 200 ms backing off to 2 s (at the test's 100 ms steps:
        // rounds at 0, 0.2, 0.5, 1.0, 1.7, 2.8, 4.4, then every 2 s to 18.4, and at 20). Taking its own answer of one pause ago
        // for a fresh one would halve that.
        Assert.Equal(15, rounds);
    }

    [Fact]
    public async Task Without_a_floor_each_listing_asks_and_with_one_a_listing_within_it_takes_the_last_answer()
    {
        var (store, calls) = Store("plain", floor: null, "a", "b");
        await new JobTracker(store).ListAsync();
        await new JobTracker(store).ListAsync();
        Assert.Equal(2, calls.Rounds);

        var (floored, floorCalls) = Store("floored", floor: 60, "c", "d");
        var first = await new JobTracker(floored).ListAsync();
        var second = await new JobTracker(floored).ListAsync();
        Assert.Equal(1, floorCalls.Rounds);
        Assert.Equal(first.Select(j => (j.Entry.Key, j.Status)), second.Select(j => (j.Entry.Key, j.Status)));
        Assert.All(second, j => Assert.Equal(JobStatus.Running, j.Status));
    }

    [Fact]
    public async Task A_refresh_after_a_cancel_always_asks_whatever_the_floor()
    {
        var (store, calls) = Store("cancel", floor: 3600, "a");
        var jobs = new JobTracker(store).Unfinished();
        await new JobTracker(store).ListAsync();

        await new JobTracker(store).RefreshAsync(jobs);

        Assert.Equal(2, calls.Rounds);
    }

    [Fact]
    public async Task A_floor_past_its_time_asks_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (store, calls) = Store("expired", floor: 30, "a");
        await new JobTracker(store, clock: clock).ListAsync();

        clock.Advance(TimeSpan.FromSeconds(29));
        await new JobTracker(store, clock: clock).ListAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        await new JobTracker(store, clock: clock).ListAsync();

        Assert.Equal(2, calls.Rounds);
    }

    public static TheoryData<string> Damage() =>
    [
        "garbage", "empty", "another job's answer", "from the future", "a link to a good answer", "a directory", "no status",
        "rounds is a file", "a fifo",
    ];

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task A_damaged_shared_answer_is_not_used_and_the_backend_is_asked(string damage)
    {
        var (store, calls) = Store("damaged", floor: 3600, "a");
        await new JobTracker(store).ListAsync();
        var rounds = Path.Combine(store.Root, "rounds");
        var file = Directory.EnumerateFiles(rounds, "*.json").Single();
        var good = File.ReadAllText(file);
        File.Delete(file);
        switch (damage)
        {
            case "garbage": File.WriteAllBytes(file, [0xff, 0x00, 0x7b, 0x22]); break;
            case "empty": File.WriteAllText(file, string.Empty); break;
            case "another job's answer": File.WriteAllText(file, good.Replace("\"job_id\":\"a\"", "\"job_id\":\"zz\"", StringComparison.Ordinal)); break;
            case "from the future": File.WriteAllText(file, Shifted(good, TimeSpan.FromHours(1))); break;
            case "a link to a good answer":
                File.WriteAllText(_temp.Combine("elsewhere.json"), good);
                File.CreateSymbolicLink(file, _temp.Combine("elsewhere.json"));
                break;
            case "a directory": Directory.CreateDirectory(file); break;
            case "no status": File.WriteAllText(file, good.Replace("\"status\":\"running\"", "\"status\":\"sideways\"", StringComparison.Ordinal)); break;
            case "rounds is a file":
                Directory.Delete(rounds, recursive: true);
                File.WriteAllText(rounds, good);
                break;
            case "a fifo": Assert.Equal(0, Mkfifo(file, 0b110_000_000)); break;
            default: throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }

        var listing = await new JobTracker(store).ListAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, calls.Rounds);
        Assert.Equal(JobStatus.Running, Assert.Single(listing).Status);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("x")]
    [InlineData("86401")]
    [InlineData("1e999")]
    [InlineData("[60]")]
    public void A_floor_that_is_not_a_number_of_seconds_up_to_a_day_is_a_configuration_error(string value)
    {
        var entry = (JsonObject)JsonNode.Parse($$"""{"module": "shell", "min-poll-interval": {{(value.StartsWith('[') || value.StartsWith('-') || char.IsDigit(value[0]) ? value : $"\"{value}\"")}}}""")!;

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => JobRunners.Build(entry));

        Assert.Contains(error.Problems, p => p.Field == "min-poll-interval");
    }

    [Theory]
    [InlineData("shell")]
    [InlineData("slurm")]
    [InlineData("gridengine")]
    public void A_floor_is_kept_in_every_modules_recorded_configuration(string module)
    {
        var entry = new JsonObject { ["module"] = module, ["min-poll-interval"] = 90 };

        var runner = JobRunners.Build(entry);

        Assert.Equal(90, runner.ToConfiguration()["min-poll-interval"]!.GetValue<int>());
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, int mode);

    private static string Shifted(string kept, TimeSpan by)
    {
        var node = JsonNode.Parse(kept)!.AsObject();
        var askedAt = DateTimeOffset.Parse(node["asked_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        node["asked_at"] = (askedAt + by).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return node.ToJsonString();
    }

    /// <summary>Watchers (each its own tracker, as each would be its own process) of two never-ending jobs for 20 s of a fake clock.</summary>
    private async Task<(int Rounds, List<string> Seen)> WatchAsync(int watchers, string name, TimeSpan? stagger = null, TimeSpan? interval = null, TimeSpan? span = null)
    {
        // A whole second, so that the times kept in the store are exact and a watcher's own last answer is exactly one pause old.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var (store, calls) = Store(name, floor: null, "a", "b");
        calls.Clock = clock;
        calls.Start = clock.GetUtcNow();
        Last = calls;
        var jobs = new JobTracker(store).Unfinished();
        var seen = new List<string>[watchers];
        var waits = new Task<JobWaitProgress>[watchers];
        // Every watcher ends when the last one has watched for 20 s, so that they watch the same span as one alone.
        var step = stagger ?? TimeSpan.Zero;
        var total = span ?? TimeSpan.FromSeconds(20) + (step * (watchers - 1));
        for (var w = 0; w < watchers; w++)
        {
            var options = new JobWaitOptions { Timeout = total - (step * w), Interval = interval ?? JobWaitOptions.Default.Interval };
            if (w > 0 && step > TimeSpan.Zero)
            {
                clock.Advance(step);
                await Task.Delay(1, CancellationToken.None);
            }

            var mine = seen[w] = [];
            waits[w] = new JobTracker(store, clock: clock).WaitAsync(jobs, options, new Collect(p => mine.Add(p.Round.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        while (!waits.All(w => w.IsCompleted))
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, CancellationToken.None);
        }

        await Task.WhenAll(waits);
        return (calls.Rounds, [.. seen.Select(s => string.Join(',', s))]);
    }

    private (JobStore Store, Calls Calls) Store(string name, int? floor, params string[] ids)
    {
        var calls = new Calls();
        var module = $"tests.shared.{name}.{Guid.NewGuid():N}";
        JobRunners.Register(module, config => new CountingRunner(module, calls));
        var store = JobStore.ForDirectory(_temp.Combine(name));
        var config = new JsonObject { ["module"] = module };
        if (floor is { } seconds)
        {
            config["min-poll-interval"] = seconds;
        }

        foreach (var id in ids)
        {
            store.Save(new JobHandle(id, "counting", DateTimeOffset.UtcNow), (JsonObject)config.DeepClone());
        }

        return (store, calls);
    }

    private sealed class Calls
    {
        private int _rounds;

        public int Rounds => Volatile.Read(ref _rounds);

        public void Count()
        {
            Interlocked.Increment(ref _rounds);
            if (Clock is { } clock)
            {
                lock (Times)
                {
                    Times.Add((clock.GetUtcNow() - Start).TotalSeconds);
                }
            }
        }

        public FakeTimeProvider? Clock { get; set; }

        public DateTimeOffset Start { get; set; }

        public List<double> Times { get; } = [];
    }

    private sealed class Collect(Action<JobWaitProgress> report) : IProgress<JobWaitProgress>
    {
        public void Report(JobWaitProgress value) => report(value);
    }

    /// <summary>Every job runs for ever; each batch of questions is one round.</summary>
    private sealed class CountingRunner(string module, Calls calls) : JobRunner
    {
        public override string Module => module;

        public override JsonObject ToConfiguration() => new() { ["module"] = module };

        protected override Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
            throw new NotSupportedException("batched only");

        protected override Task<IReadOnlyList<JobStatusResult>> StatusManyCoreAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken)
        {
            calls.Count();
            return Task.FromResult<IReadOnlyList<JobStatusResult>>([.. handles.Select(h => new JobStatusResult(h, JobStatus.Running))]);
        }

        protected override Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
