using System.Diagnostics;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Store;

/// <summary>
/// A store someone else has been at: links, FIFOs, records that name other jobs, a full or read-only disk. The store never
/// writes through a link or into a special file, never hangs on one, never tears or loses a record, and says what it skipped.
/// </summary>
public sealed class HostileStoreSpecs : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private JobStore Store(string? root = null) => new(root ?? _temp.Combine(".flepimop2_cache", "job")) { LockTimeout = TimeSpan.FromSeconds(2) };

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Runs a store call on another thread and fails (rather than hang the test run) if it does not return in time.</summary>
    private static T Bounded<T>(Func<T> call)
    {
        var task = Task.Run(call);
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(Bound), $"the store call did not return within {Bound.TotalSeconds} s");
        return task.GetAwaiter().GetResult();
    }

    [Fact]
    public void A_summary_that_is_a_link_is_never_written_through_and_listing_warns_and_goes_on()
    {
        var store = Store();
        store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        var outside = _temp.Combine("outside.txt");
        File.WriteAllText(outside, "precious\n");
        File.Delete(store.SummaryPath);
        File.CreateSymbolicLink(store.SummaryPath, outside);

        var save = Assert.Throws<JobStoreException>(() => store.Save(new JobHandle("b", "shell", DateTimeOffset.UtcNow), []));
        var update = Assert.Throws<JobStoreException>(() => store.UpdateStatuses([new JobStatusResult(new JobHandle("a", "shell", DateTimeOffset.UtcNow), JobStatus.Failed)]));
        var check = Assert.Throws<JobStoreException>(() => store.EnsureWritable());
        var listing = store.List();

        Assert.Equal("precious\n", File.ReadAllText(outside));
        Assert.True(new FileInfo(store.SummaryPath).LinkTarget is not null, "the link was replaced");
        Assert.All([save, update, check], e => Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal));
        Assert.Equal(["shell-a", "shell-b"], listing.Jobs.Select(j => j.Key).Order(StringComparer.Ordinal));
        Assert.Contains(listing.Warnings, w => w.Contains("summary.json", StringComparison.Ordinal) && w.Contains("symbolic link", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fifo_in_place_of_the_summary_or_a_handle_file_never_blocks_a_reader()
    {
        var store = Store();
        store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        File.Delete(store.SummaryPath);
        MakeFifo(store.SummaryPath);
        MakeFifo(Path.Combine(store.HandlesDirectory, "shell-fifo.json"));

        var listing = Bounded(() => store.List());
        var load = Bounded(() => Assert.Throws<JobStoreException>(() => store.Load("shell-fifo")));
        var save = Bounded(() => Assert.Throws<JobStoreException>(() => store.Save(new JobHandle("b", "shell", DateTimeOffset.UtcNow), [])));

        Assert.Equal(["shell-a"], listing.Jobs.Select(j => j.Key));
        Assert.Contains(listing.Warnings, w => w.Contains("summary.json", StringComparison.Ordinal) && w.Contains("FIFO", StringComparison.Ordinal));
        Assert.Contains(listing.Warnings, w => w.Contains("shell-fifo.json", StringComparison.Ordinal) && w.Contains("FIFO", StringComparison.Ordinal));
        Assert.Contains("FIFO", load.Message, StringComparison.Ordinal);
        Assert.Contains("FIFO", save.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handle_file_that_is_a_link_is_skipped_with_a_warning()
    {
        var store = Store();
        store.Save(new JobHandle("real", "shell", DateTimeOffset.UtcNow), []);
        var elsewhere = _temp.Combine("elsewhere.json");
        File.Copy(Path.Combine(store.HandlesDirectory, "shell-real.json"), elsewhere);
        File.Delete(Path.Combine(store.HandlesDirectory, "shell-real.json"));
        File.CreateSymbolicLink(Path.Combine(store.HandlesDirectory, "shell-real.json"), elsewhere);

        var error = Assert.Throws<JobStoreException>(() => store.Load("shell-real"));

        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_file_that_is_a_link_is_refused_and_its_target_is_not_created()
    {
        var store = Store();
        Directory.CreateDirectory(store.Root);
        var target = _temp.Combine("not-a-lock");
        File.CreateSymbolicLink(Path.Combine(store.Root, ".lock"), target);

        var error = Assert.Throws<JobStoreException>(() => store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []));

        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void A_handle_file_naming_another_job_inside_does_not_make_that_job_list_twice()
    {
        var store = Store();
        store.Save(new JobHandle("good", "shell", DateTimeOffset.UtcNow), []);
        var good = File.ReadAllText(Path.Combine(store.HandlesDirectory, "shell-good.json"));
        File.WriteAllText(Path.Combine(store.HandlesDirectory, "shell-evil.json"), good);
        File.WriteAllText(
            Path.Combine(store.HandlesDirectory, "shell-liar.json"),
            good.Replace("\"key\": \"shell-good\"", "\"key\": \"shell-liar\"", StringComparison.Ordinal));

        var listing = store.List();

        Assert.Equal(["shell-good"], listing.Jobs.Select(j => j.Key));
        Assert.Contains(listing.Warnings, w => w.Contains("shell-evil.json", StringComparison.Ordinal) && w.Contains("does not match", StringComparison.Ordinal));
        Assert.Contains(listing.Warnings, w => w.Contains("shell-liar.json", StringComparison.Ordinal) && w.Contains("does not match", StringComparison.Ordinal));
    }

    [Fact]
    public void A_summary_entry_whose_key_is_not_its_jobs_is_skipped_with_a_warning()
    {
        var store = Store();
        store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        File.WriteAllText(
            store.SummaryPath,
            "[\n  {\"key\": \"shell-a\", \"backend\": \"shell\", \"job_id\": \"b\", \"submitted_at\": \"2026-01-01T00:00:00Z\", \"status\": null}\n]");

        var listing = store.List();

        Assert.Equal(["shell-a"], listing.Jobs.Select(j => j.Key));
        Assert.Equal("a", store.Load("shell-a").Handle.JobId);
        Assert.Contains(listing.Warnings, w => w.Contains("entry 'shell-a' skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_job_is_never_recorded_over_another_with_the_same_key()
    {
        var store = Store();
        store.Save(new JobHandle("7", "slurm", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["first"] = true } }, []);

        var error = Assert.Throws<JobStoreException>(() => store.Save(new JobHandle("7", "slurm", DateTimeOffset.UtcNow), []));

        Assert.Contains("already recorded", error.Message, StringComparison.Ordinal);
        Assert.Equal("true", store.Load("slurm-7").Handle.MetadataText("first"));
        Assert.Single(store.List().Jobs);
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public void A_full_disk_cuts_an_append_short_and_the_summary_is_restored_as_it_was()
    {
        using var disk = SmallDisk.Mount(64);
        var path = disk.Combine("summary.json");

        // A summary that ends exactly at a 4 KiB page: the append must take a new page, which the full disk refuses
        // after the first bytes of the write have landed.
        var entries = new List<JobSummaryEntry>();
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        while (StoreJson.Summary([.. entries, new JobSummaryEntry("shell-x", "shell", "x", at, null)]).Length + 160 < 4096)
        {
            entries.Add(new JobSummaryEntry($"shell-{entries.Count}", "shell", $"{entries.Count}", at, null));
        }

        var pad = 4096 - StoreJson.Summary([.. entries, new JobSummaryEntry("shell-x", "shell", "x", at, null)]).Length;
        Assert.True(pad >= 0, $"pad {pad}");
        entries.Add(new JobSummaryEntry("shell-x", "shell", $"x{new string('x', pad)}", at, null));
        var before = StoreJson.Summary(entries);
        Assert.Equal(4096, before.Length);
        File.WriteAllBytes(path, before);
        disk.Fill();

        var error = Assert.Throws<IOException>(() => SummaryFile.Append(path, new JobSummaryEntry("shell-new", "shell", "new", at, null), () => [.. entries]));

        Assert.Contains("No space left", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public void On_a_full_disk_a_save_or_a_status_update_fails_and_leaves_the_store_as_it_was()
    {
        using var disk = SmallDisk.Mount(256);
        var store = Store(disk.Combine(".flepimop2_cache", "job"));
        var first = store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        var summary = File.ReadAllBytes(store.SummaryPath);
        disk.Fill();

        var check = Assert.Throws<JobStoreException>(() => store.EnsureWritable());
        var save = Assert.Throws<JobStoreException>(() => store.Save(new JobHandle("b", "shell", DateTimeOffset.UtcNow), []));
        var update = Assert.Throws<JobStoreException>(() => store.UpdateStatuses([new JobStatusResult(first.Handle, JobStatus.Successful)]));

        Assert.All([check, save, update], e => Assert.Contains("No space left", e.Message, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(summary, File.ReadAllBytes(store.SummaryPath));
        Assert.Equal(["shell-a.json"], Directory.GetFiles(store.HandlesDirectory).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(store.Root, "*.tmp"));
        Assert.Equal(["shell-a"], store.List().Jobs.Select(j => j.Key));
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public void On_a_read_only_disk_the_store_says_so_before_anything_is_submitted()
    {
        using var disk = SmallDisk.Mount(256);
        var store = Store(disk.Combine(".flepimop2_cache", "job"));
        store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), []);
        disk.MakeReadOnly();

        var check = Assert.Throws<JobStoreException>(() => store.EnsureWritable());

        Assert.Contains("Read-only file system", check.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["shell-a"], store.List().Jobs.Select(j => j.Key));
    }

    [Fact]
    public void Waiting_for_the_lock_ends_when_the_caller_cancels()
    {
        var store = new JobStore(_temp.Combine(".flepimop2_cache", "job")) { LockTimeout = TimeSpan.FromMinutes(5) };
        Directory.CreateDirectory(store.Root);
        using var holder = Process.Start("flock", [Path.Combine(store.Root, ".lock"), "sleep", "60"])!;
        try
        {
            Eventually.Until(() => File.ReadAllText("/proc/locks").Contains($" {holder.Id} ", StringComparison.Ordinal), held => held);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = Stopwatch.StartNew();

            Assert.ThrowsAny<OperationCanceledException>(() => Bounded(() => store.Save(new JobHandle("a", "shell", DateTimeOffset.UtcNow), [], cancel.Token)));
            Assert.True(clock.Elapsed < Bound, $"the wait for the lock went on for {clock.Elapsed}");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
    }
}
