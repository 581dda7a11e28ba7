using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Store;

/// <summary>
/// A sweep in the store: its task counts kept in the summary entry across writes and reads (an entry without them is an
/// ordinary job's), shown at the end of its listing line, and a hostile <c>tasks</c> field read as no counts.
/// </summary>
public sealed class SweepSummarySpecs : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static JobSummaryEntry Entry(string id, JobStatus? status = null, SweepCounts? tasks = null) =>
        new($"shell-{id}", "shell", id, At, status) { Tasks = tasks };

    private static (List<JobSummaryEntry> Entries, List<string> Problems) Parse(string json)
    {
        var problems = new List<string>();
        return (StoreJson.ParseSummary(Encoding.UTF8.GetBytes(json), problems), problems);
    }

    private static SweepStatus Sweep(params JobStatus[] statuses) => new([.. statuses.Select((s, i) => new SweepTaskStatus(i, s))]);

    // --- summary.json ------------------------------------------------------------------------------------------------------

    [Fact]
    public void A_sweeps_entry_is_written_with_every_count_after_its_status()
    {
        var text = Encoding.UTF8.GetString(StoreJson.Summary([Entry("a", JobStatus.Running, new SweepCounts(3, 1, 0, 0, 2, 0)), Entry("b")]));

        Assert.Equal(
            """
            [
              {
                "key": "shell-a",
                "backend": "shell",
                "job_id": "a",
                "submitted_at": "2026-01-02T03:04:05Z",
                "status": "running",
                "tasks": {
                  "total": 3,
                  "successful": 1,
                  "failed": 0,
                  "finished_unknown": 0,
                  "running": 2,
                  "pending": 0
                }
              },
              {
                "key": "shell-b",
                "backend": "shell",
                "job_id": "b",
                "submitted_at": "2026-01-02T03:04:05Z",
                "status": null
              }
            ]
            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Entries_with_and_without_counts_read_back_equal()
    {
        JobSummaryEntry[] entries =
        [
            Entry("a", JobStatus.Running, new SweepCounts(1000, 990, 7, 0, 3, 0)),
            Entry("b", JobStatus.Failed),
            Entry("c", null, new SweepCounts(2, 0, 0, 0, 0, 2)),
            Entry("d"),
            Entry("e", JobStatus.Successful, new SweepCounts(int.MaxValue, int.MaxValue, 0, 0, 0, 0)),
        ];

        var (read, problems) = Parse(Encoding.UTF8.GetString(StoreJson.Summary(entries)));

        Assert.Empty(problems);
        Assert.Equal(entries, read);
        Assert.Null(read[1].Tasks);
    }

    [Fact]
    public void An_entry_of_the_original_without_tasks_is_read_as_an_ordinary_job()
    {
        var (read, problems) = Parse("[{\"key\": \"shell-1\", \"backend\": \"shell\", \"job_id\": \"1\", \"submitted_at\": \"2026-01-02T03:04:05Z\", \"status\": \"failed\"}]");

        Assert.Empty(problems);
        Assert.Equal([Entry("1", JobStatus.Failed)], read);
    }

    [Fact]
    public void A_sweeps_entry_is_appended_in_place_as_a_full_rewrite_would_write_it()
    {
        var path = _temp.Combine("summary.json");
        var first = Entry("a", JobStatus.Failed, new SweepCounts(2, 1, 1, 0, 0, 0));
        var second = Entry("b", null, new SweepCounts(5, 0, 0, 0, 0, 5));
        File.WriteAllBytes(path, StoreJson.Summary([first]));

        SummaryFile.Append(path, second, () => throw new InvalidOperationException("no rewrite expected"));

        Assert.Equal(StoreJson.Summary([first, second]), File.ReadAllBytes(path));
        var (read, problems) = Parse(File.ReadAllText(path));
        Assert.Empty(problems);
        Assert.Equal([first, second], read);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("3")]
    [InlineData("\"3\"")]
    [InlineData("true")]
    [InlineData("[]")]
    [InlineData("[3, 1, 0, 0, 2, 0]")]
    [InlineData("{}")]
    [InlineData("{\"successful\": 1, \"running\": 2}")]
    [InlineData("{\"total\": null}")]
    [InlineData("{\"total\": \"3\"}")]
    [InlineData("{\"total\": true}")]
    [InlineData("{\"total\": -1}")]
    [InlineData("{\"total\": -2147483648}")]
    [InlineData("{\"total\": 2147483648}")]
    [InlineData("{\"total\": 99999999999999999999999999999}")]
    [InlineData("{\"total\": 1e400}")]
    [InlineData("{\"total\": 3.5}")]
    [InlineData("{\"total\": [3]}")]
    [InlineData("{\"total\": {\"n\": 3}}")]
    [InlineData("{\"Total\": 3}")]
    public void A_hostile_tasks_field_is_read_without_counts_and_the_entry_is_kept(string tasks)
    {
        var (read, problems) = Parse(
            $"[{{\"key\": \"shell-a\", \"backend\": \"shell\", \"job_id\": \"a\", \"submitted_at\": \"2026-01-02T03:04:05Z\", \"tasks\": {tasks}, \"status\": \"running\"}}," +
            "{\"key\": \"shell-b\", \"backend\": \"shell\", \"job_id\": \"b\", \"submitted_at\": \"2026-01-02T03:04:05Z\", \"status\": null, \"tasks\": {\"total\": 2, \"pending\": 2}}]");

        Assert.Empty(problems);
        Assert.Equal([Entry("a", JobStatus.Running), Entry("b", null, new SweepCounts(2, 0, 0, 0, 0, 2))], read);
    }

    [Theory]
    [InlineData("{\"total\": 3, \"failed\": -1}")]
    [InlineData("{\"total\": 3, \"successful\": -2147483648}")]
    [InlineData("{\"total\": 3, \"running\": 2147483648}")]
    [InlineData("{\"total\": 3, \"pending\": 99999999999999999999999999999}")]
    [InlineData("{\"total\": 3, \"failed\": \"1\"}")]
    [InlineData("{\"total\": 3, \"failed\": 1.5}")]
    [InlineData("{\"total\": 3, \"finished_unknown\": [1]}")]
    public void A_tasks_field_with_any_hostile_count_is_read_without_counts(string tasks)
    {
        // Counts with one of them dropped would print a sweep with a failed task as one without (tasks=3 instead of
        // tasks=3 failed=1): what the reader cannot trust whole, it does not show.
        var (read, problems) = Parse(
            $"[{{\"key\": \"shell-a\", \"backend\": \"shell\", \"job_id\": \"a\", \"submitted_at\": \"2026-01-02T03:04:05Z\", \"status\": \"running\", \"tasks\": {tasks}}}]");

        Assert.Empty(problems);
        Assert.Equal([Entry("a", JobStatus.Running)], read);
    }

    [Fact]
    public void Unknown_fields_in_the_counts_are_skipped()
    {
        var (read, problems) = Parse(
            "[{\"key\": \"shell-a\", \"backend\": \"shell\", \"job_id\": \"a\", \"submitted_at\": \"2026-01-02T03:04:05Z\", \"status\": \"running\", " +
            "\"tasks\": {\"total\": 3, \"queued\": 7, \"extra\": {\"x\": [1, {\"y\": 2}]}, \"successful\": 1, \"running\": 2}}]");

        Assert.Empty(problems);
        Assert.Equal([Entry("a", JobStatus.Running, new SweepCounts(3, 1, 0, 0, 2, 0))], read);
    }

    // --- The store ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void The_store_keeps_a_sweeps_counts_with_its_status_and_updates_them_when_they_change()
    {
        var store = JobStore.ForDirectory(_temp.Path);
        var sweep = store.Save(new JobHandle("10", "shell", At), []).Handle;
        var plain = store.Save(new JobHandle("11", "shell", At.AddSeconds(1)), []).Handle;

        store.UpdateStatuses([
            new JobStatusResult(sweep, JobStatus.Running) { Sweep = Sweep(JobStatus.Successful, JobStatus.Running, JobStatus.Running) },
            new JobStatusResult(plain, JobStatus.Failed),
        ]);
        var running = store.List();
        store.UpdateStatuses([new JobStatusResult(sweep, JobStatus.Running) { Sweep = Sweep(JobStatus.Successful, JobStatus.Successful, JobStatus.Running) }]);
        var later = store.List();

        Assert.Empty(running.Warnings);
        Assert.Equal(
            [new JobSummaryEntry("shell-10", "shell", "10", At, JobStatus.Running) { Tasks = new SweepCounts(3, 1, 0, 0, 2, 0) }, new JobSummaryEntry("shell-11", "shell", "11", At.AddSeconds(1), JobStatus.Failed)],
            running.Jobs);
        Assert.Equal(new SweepCounts(3, 2, 0, 0, 1, 0), later.Jobs[0].Tasks);
        Assert.Equal(JobStatus.Running, later.Jobs[0].Status);
        Assert.Null(later.Jobs[1].Tasks);
    }

    [Fact]
    public void Counts_the_original_dropped_from_the_summary_come_back_for_the_status_they_were_recorded_with_and_no_other()
    {
        var store = JobStore.ForDirectory(_temp.Path);
        var done = store.Save(new JobHandle("10", "shell", At), []).Handle;
        var redone = store.Save(new JobHandle("11", "shell", At.AddSeconds(1)), []).Handle;
        var plain = store.Save(new JobHandle("12", "shell", At.AddSeconds(2)), []).Handle;
        store.UpdateStatuses([
            new JobStatusResult(done, JobStatus.Successful) { Sweep = Sweep(JobStatus.Successful, JobStatus.Successful) },
            new JobStatusResult(redone, JobStatus.Failed) { Sweep = Sweep(JobStatus.Successful, JobStatus.Failed) },
            new JobStatusResult(plain, JobStatus.Successful),
        ]);

        // The original's rewrite: its own fields only, and a status of its own for one sweep (it cannot read ours).
        var summary = Path.Combine(store.Root, "summary.json");
        var rewritten = store.List().Jobs.Select(j => j with { Tasks = null, Status = j.Key == redone.Key ? JobStatus.FinishedUnknown : j.Status });
        File.WriteAllBytes(summary, StoreJson.Summary([.. rewritten]));
        var listed = store.List();

        Assert.Empty(listed.Warnings);
        Assert.DoesNotContain("tasks", File.ReadAllText(summary), StringComparison.Ordinal);
        Assert.Equal([new SweepCounts(2, 2, 0, 0, 0, 0), null, null], listed.Jobs.Select(j => j.Tasks));
        Assert.Equal([JobStatus.Successful, JobStatus.FinishedUnknown, JobStatus.Successful], listed.Jobs.Select(j => j.Status));
    }

    [Fact]
    public void A_sweep_whose_counts_only_the_summary_has_is_kept_where_the_originals_rewrite_cannot_take_them()
    {
        var store = JobStore.ForDirectory(_temp.Path);
        var sweep = store.Save(new JobHandle("10", "shell", At), []).Handle;
        store.UpdateStatuses([new JobStatusResult(sweep, JobStatus.Successful) { Sweep = Sweep(JobStatus.Successful) }]);

        // A store from before sweeps.json: the counts are in the summary alone until a listing keeps them.
        File.Delete(Path.Combine(store.Root, "sweeps.json"));
        Assert.Equal(new SweepCounts(1, 1, 0, 0, 0, 0), store.List().Jobs[0].Tasks);
        var summary = Path.Combine(store.Root, "summary.json");
        File.WriteAllBytes(summary, StoreJson.Summary([.. store.List().Jobs.Select(j => j with { Tasks = null })]));

        Assert.Equal(new SweepCounts(1, 1, 0, 0, 0, 0), store.List().Jobs[0].Tasks);
    }

    // --- The listing line ---------------------------------------------------------------------------------------------------

    [Fact]
    public void A_listed_sweeps_line_ends_with_its_counts()
    {
        var job = new TrackedJob(Entry("a", JobStatus.Running, new SweepCounts(3, 1, 0, 0, 2, 0)), JobStatus.Running, null);
        Assert.Equal("shell-a submitted_at=2026-01-02T03:04:05 status=running tasks=3 successful=1 running=2", job.ToString());
        Assert.Equal(new SweepCounts(3, 1, 0, 0, 2, 0), job.Tasks);
    }

    [Fact]
    public void A_fresh_answer_gives_the_counts_and_without_one_the_recorded_counts_are_shown()
    {
        var entry = Entry("a", JobStatus.Running, new SweepCounts(3, 1, 0, 0, 2, 0));
        var fresh = new JobStatusResult(new JobHandle("a", "shell", At), JobStatus.Failed)
        {
            Detail = new Dictionary<string, JsonNode?> { ["pid"] = 5 },
            Sweep = Sweep(JobStatus.Successful, JobStatus.Failed, JobStatus.FinishedUnknown),
        };

        var asked = new TrackedJob(entry, JobStatus.Failed, fresh);
        var unknown = new TrackedJob(entry, null, null);
        var ordinary = new TrackedJob(Entry("b", JobStatus.Failed), JobStatus.Failed, new JobStatusResult(new JobHandle("b", "shell", DateTimeOffset.UtcNow), JobStatus.Failed));

        Assert.Equal("shell-a submitted_at=2026-01-02T03:04:05 status=failed tasks=3 successful=1 failed=1 finished_unknown=1", asked.ToString());
        Assert.Equal("shell-a submitted_at=2026-01-02T03:04:05 status=unknown tasks=3 successful=1 running=2", unknown.ToString());
        Assert.Equal("shell-b submitted_at=2026-01-02T03:04:05 status=failed", ordinary.ToString());
    }
}
