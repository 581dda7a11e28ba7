using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Store;

public sealed class JobTrackerSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Listing_asks_the_backend_once_per_module_and_only_about_unfinished_jobs()
    {
        var counter = new CountingRunner.Calls();
        JobRunners.Register("tests.counting", config => new CountingRunner(config, counter));
        var store = JobStore.ForDirectory(_temp.Path);
        var config = new JsonObject { ["module"] = "tests.counting", ["answer"] = "successful" };
        var a = store.Save(new JobHandle("a", "counting", DateTimeOffset.UtcNow), config);
        var b = store.Save(new JobHandle("b", "counting", DateTimeOffset.UtcNow), config);
        store.Save(new JobHandle("c", "counting", DateTimeOffset.UtcNow), config);
        store.UpdateStatuses([new JobStatusResult(a.Handle, JobStatus.Failed)]);

        var first = await new JobTracker(store).ListAsync();
        var second = await new JobTracker(store).ListAsync();

        Assert.Equal([JobStatus.Failed, JobStatus.Successful, JobStatus.Successful], first.Select(j => j.Status));
        Assert.Equal([JobStatus.Failed, JobStatus.Successful, JobStatus.Successful], second.Select(j => j.Status));
        Assert.Equal(1, counter.Batches);
        Assert.Equal(["b", "c"], counter.Seen);
        Assert.Equal(b.Key, first[1].Entry.Key);
    }

    [Fact]
    public async Task A_backend_that_fails_makes_its_jobs_unknown_and_the_others_are_still_listed()
    {
        var counter = new CountingRunner.Calls();
        JobRunners.Register("tests.failing", config => new CountingRunner(config, counter));
        var store = JobStore.ForDirectory(_temp.Path);
        store.Save(new JobHandle("x", "failing", DateTimeOffset.UtcNow), new JsonObject { ["module"] = "tests.failing", ["answer"] = "throw" });
        store.Save(new JobHandle("ok", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "blocking", ["returncode"] = 0 } }, new JsonObject { ["module"] = "shell" });
        var logger = new ListLogger();

        var jobs = await new JobTracker(store, logger).ListAsync();

        Assert.Equal(["unknown", "successful"], jobs.Select(j => j.StatusName));
        Assert.Contains(logger.Lines, l => l.Contains("could not get the status of 1 tests.failing job(s)", StringComparison.Ordinal) && l.Contains("scheduler down", StringComparison.Ordinal));
        Assert.Null(store.List().Jobs[0].Status);
    }

    [Fact]
    public async Task One_jobs_outdated_configuration_does_not_block_the_status_of_the_rest()
    {
        var store = JobStore.ForDirectory(_temp.Path);
        var blocking = new Dictionary<string, JsonNode?> { ["mode"] = "blocking", ["returncode"] = 3 };
        store.Save(new JobHandle("old", "shell", DateTimeOffset.UtcNow) { Metadata = blocking }, new JsonObject { ["module"] = "shell", ["detach"] = "maybe" });
        store.Save(new JobHandle("new", "shell", DateTimeOffset.UtcNow) { Metadata = blocking }, new JsonObject { ["module"] = "shell" });

        var jobs = await new JobTracker(store).ListAsync();

        Assert.Equal([JobStatus.Failed, JobStatus.Failed], jobs.Select(j => j.Status));
    }

    private sealed class CountingRunner(JsonObject config, CountingRunner.Calls calls) : JobRunner
    {
        public override string Module => config["module"]!.GetValue<string>();

        public override JsonObject ToConfiguration() => (JsonObject)config.DeepClone();

        protected override Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
            throw new NotSupportedException("batched only");

        protected override Task<IReadOnlyList<JobStatusResult>> StatusManyCoreAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken)
        {
            if (config["answer"]!.GetValue<string>() == "throw")
            {
                throw new JobBackendException("scheduler down");
            }

            calls.Batches++;
            calls.Seen.AddRange(handles.Select(h => h.JobId));
            return Task.FromResult<IReadOnlyList<JobStatusResult>>([.. handles.Select(h => new JobStatusResult(h, JobStatus.Successful))]);
        }

        protected override Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken) => Task.CompletedTask;

        public sealed class Calls
        {
            public int Batches { get; set; }

            public List<string> Seen { get; } = [];
        }
    }
}
