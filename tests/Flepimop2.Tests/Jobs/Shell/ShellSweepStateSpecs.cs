using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell.Internal;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>The state table of a shell sweep's tasks (see <see cref="ShellSweepStates"/>), row by row, with no process in sight.</summary>
public sealed class ShellSweepStateSpecs
{
    private const string KilledRecorder = "the task ended without recording its exit code (its recorder was killed)";
    private const string CancelledBeforeStart = "cancelled before it started";
    private const string NeverStarted = "the sweep's supervisor ended before starting it";

    private static readonly JobHandle Sweep = new("4242", "shell", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached", ["pid"] = 4242, ["sweep"] = new JsonObject { ["tasks"] = 4 } } };

    /// <summary>Records of task 0 alone: its result line (or none), whether it started, and the cancel files.</summary>
    private static ShellSweepRecords Records(string? result, bool started, string cancel, string pids = "0 5151 99\n") =>
        ShellSweepRecords.Parse(
            result is null ? string.Empty : $"0 {result}\n",
            started ? "0\n" : string.Empty,
            started ? pids : string.Empty,
            cancel.Length == 0 ? [] : cancel.Split(','),
            string.Empty,
            4);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(IReadOnlyDictionary<string, JsonNode?> map) =>
        new JsonObject([.. map.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))]).ToJsonString(Relaxed);

    public static TheoryData<string?, bool, bool, string, string, int?, string> Rows => new()
    {
        // An exit record decides, whether or not the task is on record as started, the supervisor runs, or it was cancelled.
        { "0", true, true, "", "successful", 0, "{\"returncode\":0}" },
        { "0", false, false, "", "successful", 0, "{\"returncode\":0}" },
        { "0", true, false, "all", "successful", 0, "{\"returncode\":0}" },
        { "0", true, true, "0", "successful", 0, "{\"returncode\":0}" },
        { "3", true, true, "", "failed", 3, "{\"returncode\":3}" },
        { "3", true, false, "", "failed", 3, "{\"returncode\":3}" },
        { "143", true, false, "", "failed", 143, "{\"returncode\":143}" },
        { "3", true, false, "0", "failed", 3, "{\"returncode\":3,\"cancelled\":true}" },
        { "128", true, false, "all", "failed", 128, "{\"returncode\":128,\"cancelled\":true}" },
        { "129", true, false, "0", "failed", 129, "{\"returncode\":129,\"cancelled\":true,\"signal\":1}" },
        { "143", true, false, "0", "failed", 143, "{\"returncode\":143,\"cancelled\":true,\"signal\":15}" },
        { "137", true, true, "all", "failed", 137, "{\"returncode\":137,\"cancelled\":true,\"signal\":9}" },
        { "143", true, false, "1,2", "failed", 143, "{\"returncode\":143}" },
        { "-1", true, false, "0", "failed", -1, "{\"returncode\":-1,\"cancelled\":true}" },
        { "cancelled", false, false, "all", "failed", null, $"{{\"reason\":\"{CancelledBeforeStart}\"}}" },
        { "cancelled", false, true, "0", "failed", null, $"{{\"reason\":\"{CancelledBeforeStart}\"}}" },
        { "cancelled", true, true, "", "failed", null, $"{{\"reason\":\"{CancelledBeforeStart}\"}}" },

        // No exit record: started or not, the supervisor running or gone, cancelled or not.
        { null, true, true, "", "running", null, "{\"pid\":5151}" },
        { null, true, true, "all", "running", null, "{\"pid\":5151}" },
        { null, true, false, "", "finished_unknown", null, $"{{\"reason\":\"{KilledRecorder}\"}}" },
        { null, true, false, "0", "finished_unknown", null, $"{{\"reason\":\"{KilledRecorder}\"}}" },
        { null, false, true, "", "pending", null, "{}" },
        { null, false, true, "all", "pending", null, "{}" },
        { null, false, false, "all", "failed", null, $"{{\"reason\":\"{CancelledBeforeStart}\"}}" },
        { null, false, false, "0", "failed", null, $"{{\"reason\":\"{CancelledBeforeStart}\"}}" },
        { null, false, false, "", "finished_unknown", null, $"{{\"reason\":\"{NeverStarted}\"}}" },
        { null, false, false, "1,3,junk", "finished_unknown", null, $"{{\"reason\":\"{NeverStarted}\"}}" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_row_of_the_state_table_gives_its_status_exit_code_and_exact_detail(string? result, bool started, bool supervisorRunning, string cancel, string status, int? exitCode, string detail)
    {
        var task = ShellSweepStates.Task(0, Records(result, started, cancel), supervisorRunning);

        Assert.Equal(0, task.Index);
        Assert.Equal(status, task.Status.ToWireName());
        Assert.Equal(exitCode, task.ExitCode);
        Assert.Equal(detail, Json(task.Detail));
        Assert.Null(task.BackendId);
    }

    [Fact]
    public void A_running_task_whose_pid_is_not_on_record_yet_shows_no_pid()
    {
        var task = ShellSweepStates.Task(0, Records(null, started: true, cancel: string.Empty, pids: string.Empty), supervisorRunning: true);

        Assert.Equal(JobStatus.Running, task.Status);
        Assert.Equal("{}", Json(task.Detail));
    }

    [Fact]
    public void Each_task_is_decided_by_its_own_records()
    {
        var records = ShellSweepRecords.Parse("0 0\n1 2\n", "0\n1\n2\n", "2 700 1\n", [], string.Empty, 4);

        var tasks = Enumerable.Range(0, 4).Select(i => ShellSweepStates.Task(i, records, supervisorRunning: true)).ToList();

        Assert.Equal([JobStatus.Successful, JobStatus.Failed, JobStatus.Running, JobStatus.Pending], tasks.Select(t => t.Status));
        Assert.Equal([0, 1, 2, 3], tasks.Select(t => t.Index));
        Assert.Equal(["{\"returncode\":0}", "{\"returncode\":2}", "{\"pid\":700}", "{}"], tasks.Select(t => Json(t.Detail)));
    }

    [Fact]
    public void A_sweep_whose_supervisor_runs_is_running_with_every_task_in_place()
    {
        var records = ShellSweepRecords.Parse("0 0\n1 3\n", "0\n1\n2\n", "2 700 1\n", [], string.Empty, 4);
        var detail = new Dictionary<string, JsonNode?> { ["pid"] = 4242 };

        var result = ShellSweepStates.Decide(Sweep, 4, records, supervisorRunning: true, detail);

        Assert.Equal(JobStatus.Running, result.Status);
        Assert.Equal("{\"pid\":4242}", Json(result.Detail));
        Assert.Equal(Sweep.Key, result.Key);
        Assert.Equal(Sweep.SubmittedAt, result.SubmittedAt);
        Assert.Equal([JobStatus.Successful, JobStatus.Failed, JobStatus.Running, JobStatus.Pending], result.Sweep!.Tasks.Select(t => t.Status));
        Assert.Equal([0, 1, 2, 3], result.Sweep.Tasks.Select(t => t.Index));
        Assert.Equal([1], result.Sweep.FailedIndices);
        Assert.Equal(new SweepCounts(4, 1, 1, 0, 1, 1), result.Sweep.Counts());
    }

    [Fact]
    public void A_sweep_whose_supervisor_has_not_started_a_task_is_pending()
    {
        var result = ShellSweepStates.Decide(Sweep, 3, ShellSweepRecords.Parse(string.Empty, string.Empty, string.Empty, [], string.Empty, 3), supervisorRunning: true, new Dictionary<string, JsonNode?>());

        Assert.Equal(JobStatus.Pending, result.Status);
        Assert.Equal(new SweepCounts(3, 0, 0, 0, 0, 3), result.Sweep!.Counts());
    }

    [Theory]
    [InlineData("0 0\n1 0\n2 0\n", "", "successful", "")]
    [InlineData("0 0\n1 7\n2 0\n", "", "failed", "1")]
    [InlineData("0 0\n2 0\n", "", "failed", "1")]
    [InlineData("0 0\n", "all", "failed", "1 2")]
    [InlineData("0 143\n1 cancelled\n2 cancelled\n", "all", "failed", "0 1 2")]
    public void A_sweep_whose_supervisor_is_gone_is_final(string results, string cancel, string status, string failed)
    {
        var records = ShellSweepRecords.Parse(results, "0\n1\n", string.Empty, cancel.Length == 0 ? [] : [cancel], string.Empty, 3);

        var result = ShellSweepStates.Decide(Sweep, 3, records, supervisorRunning: false, new Dictionary<string, JsonNode?>());

        Assert.Equal(status, result.Status.ToWireName());
        Assert.Equal(failed, string.Join(' ', result.Sweep!.FailedIndices));
        Assert.All(result.Sweep.Tasks, t => Assert.True(t.Status.IsFinished(), $"task {t.Index} is {t.Status.ToWireName()}"));
    }

    [Fact]
    public void Missing_arguments_are_argument_errors()
    {
        var records = ShellSweepRecords.Parse(string.Empty, string.Empty, string.Empty, [], string.Empty, 1);

        Assert.Throws<ArgumentNullException>(() => ShellSweepStates.Task(0, null!, true));
        Assert.Throws<ArgumentNullException>(() => ShellSweepStates.Decide(null!, 1, records, true, new Dictionary<string, JsonNode?>()));
        Assert.Throws<ArgumentNullException>(() => ShellSweepStates.Decide(Sweep, 1, null!, true, new Dictionary<string, JsonNode?>()));
    }
}
