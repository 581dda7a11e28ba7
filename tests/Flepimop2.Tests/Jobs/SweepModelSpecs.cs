using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Shell;
using Flepimop2.Store;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs;

/// <summary>
/// The sweep model with no process in sight: a sweep's status from its tasks', the counts a listing prints, the lines
/// <c>job status</c> prints, what a handle records about its sweep, and what a submission of a sweep is checked for.
/// </summary>
public sealed class SweepModelSpecs
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static JobStatus Parse(string name) =>
        JobStatusExtensions.TryParseWireName(name, out var status) ? status : throw new ArgumentException($"no status '{name}'", nameof(name));

    private static SweepStatus Sweep(string statuses) =>
        new([.. statuses.Split(',').Select((name, i) => new SweepTaskStatus(i, Parse(name)))]);

    private static SweepStatus Sweep(params JobStatus[] statuses) =>
        new([.. statuses.Select((status, i) => new SweepTaskStatus(i, status))]);

    private static JobHandle Handle(string metadata) =>
        new("77", "shell", At) { Metadata = JsonNode.Parse(metadata)!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()) };

    // --- SweepStatus.Overall ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("pending", "pending")]
    [InlineData("pending,pending,pending", "pending")]
    [InlineData("running", "running")]
    [InlineData("pending,running", "running")]
    [InlineData("running,running", "running")]
    [InlineData("pending,successful", "running")]
    [InlineData("successful,pending", "running")]
    [InlineData("pending,failed", "running")]
    [InlineData("pending,finished_unknown", "running")]
    [InlineData("running,successful,successful", "running")]
    [InlineData("failed,running", "running")]
    [InlineData("finished_unknown,pending,pending", "running")]
    [InlineData("successful", "successful")]
    [InlineData("successful,successful,successful", "successful")]
    [InlineData("failed", "failed")]
    [InlineData("finished_unknown", "failed")]
    [InlineData("successful,failed", "failed")]
    [InlineData("failed,successful,successful", "failed")]
    [InlineData("successful,finished_unknown", "failed")]
    [InlineData("failed,finished_unknown", "failed")]
    public void A_sweeps_status_follows_from_its_tasks(string tasks, string overall)
    {
        Assert.Equal(overall, Sweep(tasks).Overall.ToWireName());
    }

    [SeededProperty(MaxTest = 500)]
    public Property A_sweep_is_pending_until_a_task_starts_running_until_all_end_and_successful_only_if_all_succeed() =>
        Prop.ForAll(
            Gen.Elements(Enum.GetValues<JobStatus>()).NonEmptyListOf().Select(l => l.ToArray()).ToArbitrary(),
            statuses =>
            {
                var unfinished = statuses.Count(s => s is JobStatus.Pending or JobStatus.Running);
                var expected = unfinished == 0
                    ? (statuses.All(s => s == JobStatus.Successful) ? JobStatus.Successful : JobStatus.Failed)
                    : statuses.All(s => s == JobStatus.Pending) ? JobStatus.Pending : JobStatus.Running;
                return Sweep(statuses).Overall == expected;
            });

    [Fact]
    public void The_failed_indices_are_the_failed_and_finished_unknown_tasks_in_order()
    {
        var sweep = Sweep("successful,failed,finished_unknown,running,pending,failed,successful,finished_unknown");

        Assert.Equal([1, 2, 5, 7], sweep.FailedIndices);
        Assert.Empty(Sweep("successful,running,pending").FailedIndices);
    }

    [Fact]
    public void The_failed_indices_are_the_tasks_own_indices_not_their_positions()
    {
        var sweep = new SweepStatus([new SweepTaskStatus(10, JobStatus.Successful), new SweepTaskStatus(11, JobStatus.Failed), new SweepTaskStatus(12, JobStatus.FinishedUnknown)]);

        Assert.Equal([11, 12], sweep.FailedIndices);
    }

    [Fact]
    public void The_counts_are_one_per_status_and_the_total()
    {
        var sweep = Sweep("successful,failed,finished_unknown,running,pending,failed,successful,successful,pending,running,running,running");

        Assert.Equal(new SweepCounts(12, 3, 2, 1, 4, 2), sweep.Counts());
        Assert.Equal(12, sweep.Total);
        Assert.Equal(4, sweep.Count(JobStatus.Running));
        Assert.Equal(0, Sweep("pending").Count(JobStatus.Successful));
    }

    // --- SweepCounts -----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1000, 990, 7, 0, 3, 0, "tasks=1000 successful=990 failed=7 running=3")]
    [InlineData(15, 1, 2, 3, 4, 5, "tasks=15 successful=1 failed=2 finished_unknown=3 running=4 pending=5")]
    [InlineData(3, 0, 0, 0, 0, 3, "tasks=3 pending=3")]
    [InlineData(2, 0, 0, 2, 0, 0, "tasks=2 finished_unknown=2")]
    [InlineData(4, 4, 0, 0, 0, 0, "tasks=4 successful=4")]
    [InlineData(0, 0, 0, 0, 0, 0, "tasks=0")]
    [InlineData(100000, 0, 1, 0, 0, 99999, "tasks=100000 failed=1 pending=99999")]
    public void The_counts_print_as_the_total_then_every_status_that_occurs_in_listing_order(int total, int successful, int failed, int unknown, int running, int pending, string line)
    {
        Assert.Equal(line, new SweepCounts(total, successful, failed, unknown, running, pending).ToString());
    }

    [Fact]
    public void The_named_counts_are_every_status_in_listing_order_zeros_included()
    {
        Assert.Equal(
            [("successful", 1), ("failed", 2), ("finished_unknown", 0), ("running", 4), ("pending", 5)],
            new SweepCounts(12, 1, 2, 0, 4, 5).Named());
    }

    [Fact]
    public void Every_named_count_is_the_wire_name_of_a_status()
    {
        foreach (var (name, _) in new SweepCounts(0, 0, 0, 0, 0, 0).Named())
        {
            Assert.True(JobStatusExtensions.TryParseWireName(name, out _), name);
        }
    }

    // --- JobStatusResult.DetailLines -------------------------------------------------------------------------------------

    [Fact]
    public void A_sweeps_detail_lines_end_with_its_task_counts_and_its_failed_tasks()
    {
        var result = new JobStatusResult(new JobHandle("77", "shell", DateTimeOffset.UtcNow), JobStatus.Running)
        {
            Detail = new Dictionary<string, JsonNode?> { ["pid"] = 4242 },
            Sweep = Sweep("successful,failed,running,finished_unknown,pending,running"),
        };

        Assert.Equal(
            ["pid: 4242", "tasks: 6 (1 successful, 1 failed, 1 finished_unknown, 2 running, 1 pending)", "failed tasks: 1, 3"],
            result.DetailLines());
    }

    [Fact]
    public void A_sweep_without_failures_has_no_failed_tasks_line()
    {
        var result = new JobStatusResult(new JobHandle("77", "shell", DateTimeOffset.UtcNow), JobStatus.Successful) { Sweep = Sweep("successful,successful,successful") };

        Assert.Equal(["tasks: 3 (3 successful)"], result.DetailLines());
    }

    [Fact]
    public void An_ordinary_jobs_detail_lines_have_no_task_lines()
    {
        var result = new JobStatusResult(new JobHandle("77", "shell", DateTimeOffset.UtcNow), JobStatus.Failed) { Detail = new Dictionary<string, JsonNode?> { ["returncode"] = 3 } };

        Assert.Equal(["returncode: 3"], result.DetailLines());
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(49, null)]
    [InlineData(50, null)]
    [InlineData(51, " ... and 1 more")]
    [InlineData(60, " ... and 10 more")]
    [InlineData(1000, " ... and 950 more")]
    public void The_failed_tasks_line_names_at_most_fifty_and_says_how_many_more(int failed, string? tail)
    {
        var statuses = Enumerable.Repeat(JobStatus.Failed, failed).Append(JobStatus.Successful).ToArray();
        var result = new JobStatusResult(new JobHandle("77", "shell", DateTimeOffset.UtcNow), JobStatus.Failed) { Sweep = Sweep(statuses) };

        var lines = result.DetailLines().ToList();

        Assert.Equal(2, lines.Count);
        Assert.Equal($"tasks: {failed + 1} (1 successful, {failed} failed)", lines[0]);
        Assert.Equal("failed tasks: " + string.Join(", ", Enumerable.Range(0, Math.Min(failed, 50))) + tail, lines[1]);
    }

    [Fact]
    public void Control_characters_in_a_sweeps_detail_are_written_as_escapes()
    {
        var result = new JobStatusResult(new JobHandle("77", "shell", DateTimeOffset.UtcNow), JobStatus.Failed)
        {
            Detail = new Dictionary<string, JsonNode?> { ["rea\u001bson"] = "killed\n\u001b[31mred\r\t\u0007", ["state"] = new JsonArray("a\nb") },
            Sweep = Sweep("finished_unknown"),
        };

        Assert.Equal(
            ["rea\\x1bson: killed\\n\\x1b[31mred\\r\\t\\x07", "state: [\"a\\nb\"]", "tasks: 1 (1 finished_unknown)", "failed tasks: 0"],
            result.DetailLines());
    }

    // --- What a handle records about its sweep ---------------------------------------------------------------------------

    [Theory]
    [InlineData("{}", null)]
    [InlineData("{\"mode\": \"detached\", \"pid\": 5}", null)]
    [InlineData("{\"sweep\": {\"tasks\": 5}}", 5)]
    [InlineData("{\"sweep\": {\"tasks\": 5, \"max_parallel\": 2}}", 5)]
    [InlineData("{\"sweep\": {\"tasks\": 1, \"max_parallel\": null}}", 1)]
    [InlineData("{\"sweep\": {\"tasks\": 100000}}", 100000)]
    [InlineData("{\"sweep\": {\"tasks\": 100001}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": 2147483648}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": 99999999999999999999999}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": 0}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": -1}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": -2147483648}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": 2.5}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": 1e3}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": \"many\"}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": \"\"}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": true}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": null}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": [5]}}", null)]
    [InlineData("{\"sweep\": {\"tasks\": {\"n\": 5}}}", null)]
    [InlineData("{\"sweep\": {\"max_parallel\": 2}}", null)]
    [InlineData("{\"sweep\": 5}", null)]
    [InlineData("{\"sweep\": \"5\"}", null)]
    [InlineData("{\"sweep\": [5]}", null)]
    [InlineData("{\"sweep\": null}", null)]
    [InlineData("{\"Sweep\": {\"tasks\": 5}}", null)]
    public void A_handle_tells_its_sweeps_size_only_from_a_usable_record(string metadata, int? size)
    {
        var handle = Handle(metadata);

        Assert.Equal(size, handle.SweepSize);
        Assert.Equal(size, SweepInfo.Of(handle)?.Tasks);
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("1", 1)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("0", null)]
    [InlineData("-1", null)]
    [InlineData("-2147483648", null)]
    [InlineData("2147483648", null)]
    [InlineData("9223372036854775807", null)]
    [InlineData("99999999999999999999999", null)]
    [InlineData("1.5", null)]
    [InlineData("\"all\"", null)]
    [InlineData("true", null)]
    [InlineData("null", null)]
    [InlineData("[2]", null)]
    [InlineData("{}", null)]
    public void A_sweeps_limit_is_kept_only_when_it_is_a_usable_number_and_the_size_stays(string maxParallel, int? expected)
    {
        var info = SweepInfo.Of(Handle($"{{\"sweep\": {{\"tasks\": 9, \"max_parallel\": {maxParallel}}}}}"));

        Assert.Equal(new SweepInfo(9, expected), info);
    }

    [Fact]
    public void A_sweep_record_is_written_as_tasks_and_max_parallel_and_read_back_equal()
    {
        var limited = new SweepInfo(7, 3);
        var unlimited = new SweepInfo(100000, null);

        Assert.Equal("{\"tasks\":7,\"max_parallel\":3}", limited.ToJson().ToJsonString());
        Assert.Equal("{\"tasks\":100000,\"max_parallel\":null}", unlimited.ToJson().ToJsonString());
        foreach (var info in new[] { limited, unlimited, new SweepInfo(1, 1), new SweepInfo(2, int.MaxValue) })
        {
            var handle = new JobHandle("1", "shell", At) { Metadata = new Dictionary<string, JsonNode?> { [SweepInfo.Key] = info.ToJson() } };
            var stored = JobRecordJson.ReadHandle(JobRecordJson.Serialize(handle));

            Assert.Equal(info, SweepInfo.Of(handle));
            Assert.Equal(info, SweepInfo.Of(stored));
            Assert.Equal(info.Tasks, stored.SweepSize);
        }
    }

    [Fact]
    public void The_sweep_record_is_kept_under_sweep_and_a_missing_handle_is_an_argument_error()
    {
        Assert.Equal("sweep", SweepInfo.Key);
        Assert.Throws<ArgumentNullException>(() => SweepInfo.Of(null!));
    }

    // --- JobRequest.Sweep --------------------------------------------------------------------------------------------------

    [Fact]
    public void A_sweep_request_holds_its_tasks_in_order_and_its_first_task_as_its_command()
    {
        CliCommand[] tasks = [new DummyCommand("a"), new DummyCommand("b"), new DummyCommand("c")];

        var request = JobRequest.Sweep(tasks, maxParallel: 2);
        var unlimited = JobRequest.Sweep(tasks);
        var plain = new JobRequest(tasks[1]);

        Assert.True(request.IsSweep);
        Assert.Same(tasks, request.Tasks);
        Assert.Same(tasks[0], request.Command);
        Assert.Equal(2, request.MaxParallel);
        Assert.False(request.DryRun);
        Assert.Null(unlimited.MaxParallel);
        Assert.False(plain.IsSweep);
        Assert.Null(plain.Tasks);
        Assert.Null(plain.MaxParallel);
    }

    [Fact]
    public void A_sweep_of_no_tasks_or_of_null_is_an_argument_error()
    {
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => JobRequest.Sweep([]));
        var none = Assert.Throws<ArgumentNullException>(() => JobRequest.Sweep(null!));

        Assert.Equal("tasks.Count", empty.ParamName);
        Assert.Equal("tasks", none.ParamName);
    }

    [Fact]
    public void The_most_tasks_a_sweep_may_have_is_one_hundred_thousand()
    {
        Assert.Equal(100_000, JobRequest.MaxTasks);
    }

    // --- JobRunner.ValidateSubmission(request) -----------------------------------------------------------------------------

    [Theory]
    [InlineData(0, null, "a sweep has from 1 to 100000 tasks, got 0", null)]
    [InlineData(100_001, null, "a sweep has from 1 to 100000 tasks, got 100001", null)]
    [InlineData(3, 0, "at most 0 tasks at once would run none; give 1 or more", "max-parallel")]
    [InlineData(3, -4, "at most -4 tasks at once would run none; give 1 or more", "max-parallel")]
    [InlineData(3, int.MinValue, "at most -2147483648 tasks at once would run none; give 1 or more", "max-parallel")]
    public void A_sweep_that_cannot_run_is_one_issue_that_says_why(int tasks, int? maxParallel, string message, string? field)
    {
        var runner = new CountingRunner();
        var request = new JobRequest(new DummyCommand("x")) { Tasks = Tasks(tasks), MaxParallel = maxParallel };

        var issue = Assert.Single(runner.ValidateSubmission(request));

        Assert.Equal(message, issue.Message);
        Assert.Equal("invalid_sweep", issue.Kind);
        Assert.Equal(field, issue.Field);
        Assert.Null(issue.Context);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(1, 1)]
    [InlineData(100_000, null)]
    [InlineData(100_000, 100_000)]
    [InlineData(5, int.MaxValue)]
    public void A_sweep_of_one_to_the_most_tasks_with_a_positive_limit_has_no_issue(int tasks, int? maxParallel)
    {
        var runner = new CountingRunner();

        Assert.Empty(runner.ValidateSubmission(new JobRequest(new DummyCommand("x")) { Tasks = Tasks(tasks), MaxParallel = maxParallel }));
        Assert.Empty(runner.ValidateSubmission(new JobRequest(new DummyCommand("x"))));
    }

    [Fact]
    public void The_runners_own_issues_come_first_then_every_sweep_issue()
    {
        var runner = new CountingRunner { Issue = new ValidationIssue("no executable", "missing_executable") };
        var request = new JobRequest(new DummyCommand("x")) { Tasks = Tasks(0), MaxParallel = 0 };

        var issues = runner.ValidateSubmission(request);

        Assert.Equal(
            ["- [missing_executable] no executable", "- [invalid_sweep] a sweep has from 1 to 100000 tasks, got 0", "- [invalid_sweep] at most 0 tasks at once would run none; give 1 or more"],
            issues.Select(i => i.ToString()));
        Assert.Throws<ArgumentNullException>(() => runner.ValidateSubmission(null!));
    }

    [Fact]
    public async Task A_sweep_with_an_issue_is_refused_before_anything_reaches_the_backend()
    {
        var runner = new CountingRunner();

        var error = await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(JobRequest.Sweep(Tasks(3), maxParallel: 0)));
        var submitted = await runner.SubmitAsync(JobRequest.Sweep(Tasks(3), maxParallel: 1));

        Assert.Equal("at most 0 tasks at once would run none; give 1 or more", Assert.Single(error.Issues).Message);
        Assert.Equal(1, runner.Submitted);
        Assert.IsType<JobHandle>(submitted);
    }

    [Fact]
    public void The_shell_runner_checks_a_sweep_as_every_runner_does()
    {
        using var temp = new TempDirectory();
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Executable = "/bin/sh", LogDirectory = temp.Combine("logs") });

        var issues = runner.ValidateSubmission(new JobRequest(new DummyCommand("x")) { Tasks = Tasks(100_001), MaxParallel = 0 });

        Assert.Equal(
            ["- [invalid_sweep] a sweep has from 1 to 100000 tasks, got 100001", "- [invalid_sweep] at most 0 tasks at once would run none; give 1 or more"],
            issues.Select(i => i.ToString()));
        Assert.Empty(runner.ValidateSubmission(JobRequest.Sweep(Tasks(2), maxParallel: 1)));
    }

    // --- Tasks of a sweep through the base runner --------------------------------------------------------------------------

    [Fact]
    public async Task A_tasks_status_is_its_entry_in_the_sweeps_with_the_task_and_its_backend_id_first()
    {
        var runner = new CountingRunner
        {
            Answer = new SweepStatus([
                new SweepTaskStatus(0, JobStatus.Successful) { ExitCode = 0, Detail = new Dictionary<string, JsonNode?> { ["returncode"] = 0 } },
                new SweepTaskStatus(1, JobStatus.Failed) { ExitCode = 3, BackendId = "4211_1", Detail = new Dictionary<string, JsonNode?> { ["returncode"] = 3, ["state"] = "FAILED" } },
            ]),
        };
        var handle = Handle("{\"sweep\": {\"tasks\": 3}}");

        var first = await runner.TaskStatusAsync(handle, 0);
        var second = await runner.TaskStatusAsync(handle, 1);
        var missing = await runner.TaskStatusAsync(handle, 2);

        Assert.Equal((JobStatus.Successful, "{\"task\":0,\"returncode\":0}"), (first.Status, Json(first.Detail)));
        Assert.Equal((JobStatus.Failed, "{\"task\":1,\"job_id\":\"4211_1\",\"returncode\":3,\"state\":\"FAILED\"}"), (second.Status, Json(second.Detail)));
        Assert.Equal((JobStatus.FinishedUnknown, "{\"task\":2}"), (missing.Status, Json(missing.Detail)));
        Assert.Equal(handle.Key, second.Key);
        Assert.Null(second.Sweep);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public async Task A_task_the_sweep_does_not_have_is_out_of_range(int task)
    {
        var runner = new CountingRunner();
        var handle = Handle("{\"sweep\": {\"tasks\": 3}}");

        var status = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => runner.TaskStatusAsync(handle, task));
        var cancel = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => runner.CancelTaskAsync(handle, task));

        Assert.Equal("index", status.ParamName);
        Assert.Equal($"shell-77 has tasks 0 to 2 (Parameter 'index'){Environment.NewLine}Actual value was {task}.", status.Message);
        Assert.Equal(status.Message, cancel.Message);
    }

    [Fact]
    public async Task Asking_an_ordinary_job_for_a_task_is_an_argument_error()
    {
        var runner = new CountingRunner();
        var handle = Handle("{\"mode\": \"detached\"}");

        var status = await Assert.ThrowsAsync<ArgumentException>(() => runner.TaskStatusAsync(handle, 0));
        var cancel = await Assert.ThrowsAsync<ArgumentException>(() => runner.CancelTaskAsync(handle, 0));

        Assert.Equal("shell-77 is one job, not a sweep of tasks (Parameter 'handle')", status.Message);
        Assert.Equal(status.Message, cancel.Message);
        await Assert.ThrowsAsync<ArgumentNullException>(() => runner.TaskStatusAsync(null!, 0));
    }

    [Fact]
    public async Task A_runner_that_cannot_cancel_one_task_says_so_and_keeps_no_task_logs()
    {
        var runner = new CountingRunner();
        var handle = Handle("{\"sweep\": {\"tasks\": 3}}");

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelTaskAsync(handle, 1));

        Assert.Equal("the flepimop2.job.counting runner cannot cancel a single task of a sweep", error.Message);
        Assert.Empty(runner.GetTaskLogFiles(handle, 1));
    }

    private static string Json(IReadOnlyDictionary<string, JsonNode?> map) =>
        new JsonObject([.. map.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))]).ToJsonString();

    private static CliCommand[] Tasks(int count)
    {
        var command = new DummyCommand("x");
        return [.. Enumerable.Repeat<CliCommand>(command, count)];
    }

    /// <summary>A runner with no backend: it counts submissions and answers every status with a canned sweep.</summary>
    private sealed class CountingRunner : JobRunner
    {
        public override string Module => "flepimop2.job.counting";

        public int Submitted { get; private set; }

        public ValidationIssue? Issue { get; init; }

        public SweepStatus? Answer { get; init; }

        public override JsonObject ToConfiguration() => new() { ["module"] = Module };

        protected override IReadOnlyList<ValidationIssue> ValidateSubmit() => Issue is { } issue ? [issue] : [];

        protected override Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken)
        {
            Submitted++;
            return Task.FromResult<JobSubmission>(new JobHandle("1", "counting", DateTimeOffset.UtcNow));
        }

        protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
            Task.FromResult(new JobStatusResult(handle, Answer?.Overall ?? JobStatus.Pending) { Sweep = Answer });

        protected override Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
