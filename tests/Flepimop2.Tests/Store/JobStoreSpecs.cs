using System.Diagnostics;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Store;

public sealed class JobStoreSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private JobStore FixtureCopy()
    {
        var source = Path.Combine(TestPaths.Fixtures, ".flepimop2_cache", "job");
        var target = _temp.Combine(".flepimop2_cache", "job");
        Directory.CreateDirectory(Path.Combine(target, "handles"));
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }

        return JobStore.ForDirectory(_temp.Path);
    }

    [Fact]
    public void I_can_list_a_store_written_by_the_original_program()
    {
        var store = FixtureCopy();

        var listing = store.List();

        Assert.Empty(listing.Warnings);
        Assert.Equal(["slurm-123456", "shell-0", "shell-1", "shell-6546"], listing.Jobs.Select(j => j.Key));
        Assert.Equal([null, JobStatus.Successful, JobStatus.Failed, JobStatus.Running], listing.Jobs.Select(j => j.Status));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 13, 36, TimeSpan.Zero).AddTicks(8462280), listing.Jobs[3].SubmittedAt);
    }

    [Fact]
    public void I_can_load_the_originals_handle_files_with_their_metadata_and_config()
    {
        var store = FixtureCopy();

        var slurm = store.Load("slurm-123456");
        var blocking = store.Find("1");

        Assert.Equal("123456", slurm.Handle.JobId);
        Assert.Equal("debug", slurm.Handle.MetadataText("partition"));
        Assert.Equal("flepimop2.job.slurm", slurm.JobConfig["module"]!.GetValue<string>());
        Assert.Equal("shell-1", blocking.Key);
        Assert.Equal("1", blocking.Handle.MetadataText("returncode"));
    }

    [Theory]
    [InlineData("shell-0.json")]
    [InlineData("shell-1.json")]
    [InlineData("shell-6546.json")]
    [InlineData("slurm-123456.json")]
    public void A_handle_file_written_again_is_byte_for_byte_what_the_original_wrote(string name)
    {
        var path = Path.Combine(TestPaths.Fixtures, ".flepimop2_cache", "job", "handles", name);
        var original = File.ReadAllBytes(path);

        var parsed = StoreJson.ParseHandleFile(original, out var problem);

        Assert.Null(problem);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(original), System.Text.Encoding.UTF8.GetString(StoreJson.HandleFile(parsed)));
    }

    [Fact]
    public void The_summary_written_again_is_byte_for_byte_what_the_original_wrote()
    {
        var original = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, ".flepimop2_cache", "job", "summary.json"));
        var problems = new List<string>();

        var entries = StoreJson.ParseSummary(original, problems);

        Assert.Empty(problems);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(original), System.Text.Encoding.UTF8.GetString(StoreJson.Summary(entries)));
    }

    [Fact]
    public void A_saved_job_loads_back_with_the_same_values()
    {
        var store = JobStore.ForDirectory(_temp.Path);
        var handle = new JobHandle("a/b c", "shell", new DateTimeOffset(2026, 5, 26, 20, 56, 24, 480, TimeSpan.FromHours(2)))
        {
            Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached", ["pid"] = 42, ["ratio"] = 0.5, ["list"] = new JsonArray(1, "x"), ["none"] = null, ["ünï"] = "ß" },
        };
        var config = new JsonObject { ["module"] = "flepimop2.job.shell", ["detach"] = true, ["env"] = null };

        var saved = store.Save(handle, config);
        var loaded = store.Load(saved.Key);

        Assert.Equal("shell-a_b_c", saved.Key);
        Assert.Equal(handle.JobId, loaded.Handle.JobId);
        Assert.Equal(handle.SubmittedAt, loaded.Handle.SubmittedAt);
        Assert.Equal(TimeSpan.Zero, loaded.Handle.SubmittedAt.Offset);
        Assert.Equal(
            string.Join(",", handle.Metadata.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}")),
            string.Join(",", loaded.Handle.Metadata.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}")));
        Assert.Equal(config.ToJsonString(), loaded.JobConfig.ToJsonString());
        Assert.Equal([null], store.List().Jobs.Select(j => j.Status));
    }

    [Fact]
    public void Statuses_are_recorded_in_the_summary()
    {
        var store = JobStore.ForDirectory(_temp.Path);
        var a = store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        store.Save(new JobHandle("b", "shell", DateTimeOffset.UtcNow), []);

        store.UpdateStatuses([new JobStatusResult(a.Handle, JobStatus.Failed)]);

        var jobs = store.List().Jobs;
        Assert.Equal([JobStatus.Failed, null], jobs.Select(j => j.Status));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData("/etc/passwd")]
    [InlineData("handles/../summary")]
    [InlineData("")]
    public void A_key_can_never_reach_a_path_outside_the_store(string query)
    {
        var store = FixtureCopy();
        File.WriteAllText(_temp.Combine(".flepimop2_cache", "secret.json"), File.ReadAllText(Path.Combine(store.HandlesDirectory, "shell-0.json")));

        Assert.Throws<JobNotFoundException>(() => store.Find(query));
        Assert.Throws<JobNotFoundException>(() => store.Load(query));
        Assert.Throws<JobNotFoundException>(() => store.Find("../secret"));
    }

    [Fact]
    public void A_bare_id_finds_its_job_only_when_it_is_unambiguous()
    {
        var store = JobStore.ForDirectory(_temp.Path);
        store.Save(new JobHandle("7", "shell", DateTimeOffset.UtcNow), []);
        store.Save(new JobHandle("7", "slurm", DateTimeOffset.UtcNow), []);
        store.Save(new JobHandle("8", "slurm", DateTimeOffset.UtcNow), []);

        var error = Assert.Throws<JobNotFoundException>(() => store.Find("7"));

        Assert.Contains("ambiguous", error.Message, StringComparison.Ordinal);
        Assert.Contains("shell-7", error.Message, StringComparison.Ordinal);
        Assert.Contains("slurm-7", error.Message, StringComparison.Ordinal);
        Assert.Equal("slurm-8", store.Find("8").Key);
        Assert.Equal("shell-7", store.Find("shell-7").Key);
    }

    [Fact]
    public void A_corrupt_or_foreign_file_is_reported_and_skipped()
    {
        var store = FixtureCopy();
        File.WriteAllText(Path.Combine(store.HandlesDirectory, "shell-torn.json"), "{\"key\": \"shell-to");
        File.WriteAllText(Path.Combine(store.HandlesDirectory, "notes.json"), "[1, 2, 3]");
        File.WriteAllText(Path.Combine(store.HandlesDirectory, "empty.json"), string.Empty);

        var listing = store.List();

        Assert.Equal(4, listing.Jobs.Count);
        Assert.Equal(3, listing.Warnings.Count);
        Assert.Contains(listing.Warnings, w => w.Contains("shell-torn.json", StringComparison.Ordinal) && w.Contains("not valid JSON", StringComparison.Ordinal));
        Assert.Contains(listing.Warnings, w => w.Contains("empty.json", StringComparison.Ordinal) && w.Contains("empty", StringComparison.Ordinal));
        var error = Assert.Throws<JobStoreException>(() => store.Load("shell-torn"));
        Assert.Contains("unreadable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_missing_from_the_summary_is_still_listed_from_its_handle_file()
    {
        var store = FixtureCopy();
        File.WriteAllText(store.SummaryPath, "[]");

        var listing = store.List();

        Assert.Equal(4, listing.Jobs.Count);
        Assert.Empty(listing.Warnings);
    }

    [Fact]
    public void Recording_statuses_writes_back_jobs_the_summary_had_lost()
    {
        var store = FixtureCopy();
        File.WriteAllText(store.SummaryPath, "[{\"key\": ");
        var job = store.Load("shell-0");

        store.UpdateStatuses([new JobStatusResult(job.Handle, JobStatus.Successful)]);

        var problems = new List<string>();
        var summary = StoreJson.ParseSummary(File.ReadAllBytes(store.SummaryPath), problems);
        Assert.Empty(problems);
        Assert.Equal("shell-0", Assert.Single(summary).Key);
        Assert.Equal(4, store.List().Jobs.Count);
    }

    [Fact]
    public void Temporary_files_left_by_killed_writers_are_ignored_and_removed_once_old()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new JobStore(_temp.Combine(".flepimop2_cache", "job"), clock);
        store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        var leftover = Path.Combine(store.HandlesDirectory, "shell-b.json.123.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(leftover, "{\"key\": \"shell-b\", \"han");
        var summaryLeftover = Path.Combine(store.Root, "summary.json.456.fedcba9876543210fedcba9876543210.tmp");
        File.WriteAllText(summaryLeftover, "[\n  {\"key\"");
        var notOurs = Path.Combine(store.Root, "notes.tmp");
        File.WriteAllText(notOurs, "a user's file that happens to end in .tmp");
        foreach (var file in new[] { leftover, summaryLeftover, notOurs })
        {
            File.SetLastWriteTimeUtc(file, clock.GetUtcNow().UtcDateTime);
        }

        var young = store.List();
        var keptWhileYoung = File.Exists(leftover) && File.Exists(summaryLeftover);
        clock.Advance(TimeSpan.FromHours(2));
        var old = store.List();

        Assert.Equal(["shell-a"], young.Jobs.Select(j => j.Key));
        Assert.Empty(young.Warnings);
        Assert.True(keptWhileYoung);
        Assert.Equal(["shell-a"], old.Jobs.Select(j => j.Key));
        Assert.False(File.Exists(leftover));
        Assert.False(File.Exists(summaryLeftover));
        Assert.True(File.Exists(notOurs));
    }

    [Fact]
    public async Task Concurrent_writers_in_several_processes_lose_nothing()
    {
        var root = _temp.Combine(".flepimop2_cache", "job");
        const int Writers = 6;
        const int Each = 60;

        var processes = Enumerable.Range(0, Writers)
            .Select(i => Process.Start(new ProcessStartInfo(TestPaths.Dummy, ["process", "save-handles", root, $"w{i}", Each.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardError = true })!)
            .ToList();
        foreach (var process in processes)
        {
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        }

        var store = new JobStore(root);
        var listing = store.List();
        var problems = new List<string>();
        var summary = StoreJson.ParseSummary(File.ReadAllBytes(store.SummaryPath), problems);

        Assert.Empty(listing.Warnings);
        Assert.Empty(problems);
        Assert.Equal(Writers * Each, listing.Jobs.Count);
        Assert.Equal(Writers * Each, summary.Count);
        Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));
    }
}
