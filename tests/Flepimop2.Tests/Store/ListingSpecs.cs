using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Store;

/// <summary>How a listing is put together from the summary and the handle files, and how it is printed.</summary>
public sealed class ListingSpecs : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private JobStore Store() => JobStore.ForDirectory(_temp.Path);

    private static JobSummaryEntry Entry(string id, DateTimeOffset at, JobStatus? status = null) => new($"shell-{id}", "shell", id, at, status);

    private static void WriteHandles(JobStore store, params JobSummaryEntry[] entries)
    {
        Directory.CreateDirectory(store.HandlesDirectory);
        foreach (var e in entries)
        {
            var handle = new JobHandle(e.JobId, e.Backend, e.SubmittedAt);
            File.WriteAllBytes(Path.Combine(store.HandlesDirectory, e.Key + ".json"), StoreJson.HandleFile(new StoredJob(e.Key, handle, [])));
        }
    }

    [Fact]
    public void Jobs_are_listed_by_submission_time_then_key_whatever_the_summarys_order()
    {
        var store = Store();
        var entries = new[] { Entry("c", T0.AddSeconds(2)), Entry("b", T0), Entry("a", T0), Entry("d", T0.AddSeconds(1)) };
        WriteHandles(store, entries);
        File.WriteAllBytes(store.SummaryPath, StoreJson.Summary(entries));

        var listing = store.List();

        Assert.Empty(listing.Warnings);
        Assert.Equal(["shell-a", "shell-b", "shell-d", "shell-c"], listing.Jobs.Select(j => j.Key));
    }

    [Fact]
    public void Of_a_key_written_twice_the_last_entry_is_kept_and_jobs_without_a_handle_file_are_named()
    {
        var store = Store();
        WriteHandles(store, Entry("a", T0), Entry("b", T0.AddSeconds(1)));
        File.WriteAllBytes(store.SummaryPath, StoreJson.Summary([Entry("a", T0), Entry("b", T0.AddSeconds(1)), Entry("a", T0, JobStatus.Failed), Entry("gone", T0.AddSeconds(2))]));

        var listing = store.List();

        Assert.Equal(["shell-a", "shell-b", "shell-gone"], listing.Jobs.Select(j => j.Key));
        Assert.Equal(JobStatus.Failed, listing.Jobs[0].Status);
        Assert.Equal([$"{store.SummaryPath}: job 'shell-gone' has no handle file in {store.HandlesDirectory}; it cannot be queried"], listing.Warnings);
    }

    [Fact]
    public void Only_json_files_in_the_handles_directory_count_and_a_directory_named_like_one_does_not()
    {
        var store = Store();
        WriteHandles(store, Entry("a", T0));
        Directory.CreateDirectory(Path.Combine(store.HandlesDirectory, "shell-dir.json"));
        File.WriteAllText(Path.Combine(store.HandlesDirectory, ".json"), "{}");
        File.WriteAllText(Path.Combine(store.HandlesDirectory, "notes.txt"), "x");
        File.WriteAllText(Path.Combine(store.HandlesDirectory, "bad key!.json"), "{}");

        var listing = store.List();

        Assert.Equal(["shell-a"], listing.Jobs.Select(j => j.Key));
        Assert.Empty(listing.Warnings);
        Assert.Throws<JobNotFoundException>(() => store.Find("dir"));
    }

    [Fact]
    public void A_lookup_by_bare_id_names_what_it_could_not_find_or_tell_apart()
    {
        var store = Store();
        WriteHandles(store, Entry("7", T0), new JobSummaryEntry("slurm-7", "slurm", "7", T0, null), Entry("8", T0));

        var none = Assert.Throws<JobNotFoundException>(() => store.Find("9"));
        var two = Assert.Throws<JobNotFoundException>(() => store.Find("7"));
        var bad = Assert.Throws<JobNotFoundException>(() => store.Load("../x"));

        Assert.Equal($"no job '9' in {store.Root}; 'flepimop2 job list' shows the jobs there are", none.Message);
        Assert.Equal("job id '7' is ambiguous: shell-7, slurm-7; give the full key", two.Message);
        Assert.Equal($"no job '../x' in {store.Root}; 'flepimop2 job list' shows the jobs there are", bad.Message);
        Assert.Equal("shell-8", store.Find("8").Key);
        Assert.Equal("shell-8", store.Find("shell-8").Key);
    }

    [Fact]
    public void Checking_a_new_store_makes_its_directories_and_leaves_nothing_else()
    {
        var store = Store();

        store.EnsureWritable();

        Assert.True(Directory.Exists(store.HandlesDirectory));
        Assert.Empty(Directory.GetFileSystemEntries(store.HandlesDirectory));
        Assert.Equal([".lock", "handles"], Directory.GetFileSystemEntries(store.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Recording_nothing_or_into_a_store_that_does_not_exist_writes_nothing()
    {
        var store = Store();

        store.UpdateStatuses([]);
        store.UpdateStatuses([new JobStatusResult(new JobHandle("a", "shell", DateTimeOffset.UtcNow), JobStatus.Failed)]);

        Assert.False(Directory.Exists(store.Root));
    }

    [Fact]
    public void A_status_already_recorded_is_not_written_again()
    {
        var store = Store();
        var job = store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        store.UpdateStatuses([new JobStatusResult(job.Handle, JobStatus.Failed)]);
        var written = File.GetLastWriteTimeUtc(store.SummaryPath);
        File.SetLastWriteTimeUtc(store.SummaryPath, written.AddHours(-1));

        store.UpdateStatuses([new JobStatusResult(job.Handle, JobStatus.Failed)]);

        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(store.SummaryPath));
    }

    [Fact]
    public void Missing_arguments_are_argument_errors()
    {
        var store = Store();

        Assert.Throws<ArgumentException>(() => new JobStore(string.Empty));
        Assert.Throws<ArgumentNullException>(() => store.Save(null!, []));
        Assert.Throws<ArgumentNullException>(() => store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), null!));
        Assert.Throws<ArgumentNullException>(() => store.UpdateStatuses(null!));
        Assert.Throws<ArgumentNullException>(() => store.Load(null!));
        Assert.Throws<ArgumentNullException>(() => store.Find(null!));
    }

    [Fact]
    public void A_waits_progress_counts_statuses_and_tells_what_is_unfinished()
    {
        var jobs = new[] { "a", "b", "c", "d" }.Select(id => new StoredJob($"shell-{id}", new JobHandle(id, "shell", DateTimeOffset.UtcNow), [])).ToList();
        var latest = new Dictionary<string, JobStatusResult>
        {
            ["shell-a"] = new(jobs[0].Handle, JobStatus.Successful),
            ["shell-b"] = new(jobs[1].Handle, JobStatus.Running),
            ["shell-c"] = new(jobs[2].Handle, JobStatus.Successful),
        };

        var progress = new JobWaitProgress(jobs, latest, TimeSpan.FromSeconds(3));
        var done = new JobWaitProgress(jobs[..1], latest, TimeSpan.Zero);

        Assert.Equal([("running", 1), ("successful", 2), ("unknown", 1)], progress.Counts());
        Assert.Equal(["shell-b", "shell-d"], progress.Unfinished.Select(j => j.Key));
        Assert.False(progress.AllSucceeded);
        Assert.True(done.AllSucceeded);
        Assert.Empty(done.Unfinished);
    }
}
