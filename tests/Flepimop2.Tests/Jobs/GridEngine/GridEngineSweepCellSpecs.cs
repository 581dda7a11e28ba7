using System.Globalization;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>Sweeps as Grid Engine array jobs on the real cell; twins of <see cref="SlurmSweepClusterSpecs"/>.</summary>
[Collection("gridengine")]
[Trait("Category", "GridEngine")]
public sealed class GridEngineSweepCellSpecs(GridEngineCellFixture cell)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_twenty_task_sweep_with_a_cap_gives_the_exact_failed_indices_and_exit_codes_and_never_runs_more_than_the_cap()
    {
        var runner = cell.Runner();
        var (handle, marks) = await SubmitAsync(runner, 20, failing: [2, 7, 12, 19], seconds: 0.5, maxParallel: 3);

        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal([2, 7, 12, 19], last.Sweep!.FailedIndices);
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => (int?)(i is 2 or 7 or 12 or 19 ? 10 + i : 0)),
            last.Sweep.Tasks.Select(t => t.ExitCode));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"{handle.JobId}.{i}"), last.Sweep.Tasks.Select(t => t.BackendId));
        Assert.Equal(new SweepCounts(20, 16, 4, 0, 0, 0), last.Sweep.Counts());
        var spans = Enumerable.Range(0, 20).Select(i => (Start: Mark(marks, i, "start"), End: Mark(marks, i, "end"))).ToList();
        Assert.InRange(spans.Max(s => spans.Count(o => o.Start <= s.Start && s.Start < o.End)), 1, 3);

        var one = await runner.TaskStatusAsync(handle, 7);
        Assert.Equal(JobStatus.Failed, one.Status);
        Assert.Equal("17", one.Detail["exit_code"]!.ToString());
        Assert.Equal($"{handle.JobId}.8", one.Detail["job_id"]!.ToString());
    }

    [Fact]
    public async Task Cancelling_one_task_leaves_the_others_to_finish()
    {
        var runner = cell.Runner();
        var (handle, _) = await SubmitAsync(runner, 4, failing: [], seconds: 8);
        await WaitAsync(runner, handle, r => r.Sweep!.Tasks[1].Status == JobStatus.Running);

        await runner.CancelTaskAsync(handle, 1);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal([JobStatus.Successful, JobStatus.Failed, JobStatus.Successful, JobStatus.Successful], last.Sweep!.Tasks.Select(t => t.Status));
        Assert.Equal("100", last.Sweep.Tasks[1].Detail["failed"]!.ToString());
        Assert.Equal([1], last.Sweep.FailedIndices);
    }

    [Fact]
    public async Task Each_task_writes_its_own_log_named_by_its_job_and_task_number()
    {
        var runner = cell.Runner();
        var (handle, _) = await SubmitAsync(runner, 3, failing: [], seconds: 0);

        await WaitSweepAsync(runner, handle);

        for (var i = 0; i < 3; i++)
        {
            var log = Assert.Single(runner.GetTaskLogFiles(handle, i));
            Assert.Equal(Path.Combine(cell.Directory, $"gridengine-{handle.JobId}.{i + 1}.out"), log);
            Assert.Contains($"task {i} of 3", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_dry_run_writes_the_script_and_the_task_table_and_submits_nothing()
    {
        var runner = cell.Runner();
        var tasks = Tasks(3, "/nonexistent", [], 0);

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep(tasks, 2) with { DryRun = true }));

        Assert.Equal("3", dry.Details["tasks"]);
        Assert.Equal("2", dry.Details["max_parallel"]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([cell.Dummy, "process", "task", "/nonexistent", string.Empty, "0"], TaskTable.Read(dry.Details["task_table"], i));
        }

        Assert.Contains("-t 1-3 -tc 2", dry.Command, StringComparison.Ordinal);
        Assert.EndsWith(dry.Details["script"], dry.Command, StringComparison.Ordinal);
    }

    private static double Mark(string marks, int task, string what) =>
        double.Parse(File.ReadAllText(Path.Combine(marks, $"{task}.{what}")), CultureInfo.InvariantCulture);

    private static List<CliCommand> Tasks(int count, string marks, int[] failing, double seconds) =>
        [.. Enumerable.Range(0, count).Select(_ => (CliCommand)new DummyCommand(
            "task", marks, string.Join(',', failing), seconds.ToString(CultureInfo.InvariantCulture)))];

    private async Task<(JobHandle Handle, string Marks)> SubmitAsync(GridEngineJobRunner runner, int count, int[] failing, double seconds, int? maxParallel = null)
    {
        var marks = Directory.CreateDirectory(Path.Combine(cell.Directory, $"marks-{Guid.NewGuid():N}")).FullName;
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(count, marks, failing, seconds), maxParallel)));
        Assert.Equal(count, handle.SweepSize);
        return (handle, marks);
    }

    private static async Task<JobStatusResult> WaitSweepAsync(GridEngineJobRunner runner, JobHandle handle) =>
        await WaitAsync(runner, handle, r => r.Status.IsFinished() && r.Sweep!.Tasks.All(t => t.Status.IsFinished()));

    private static async Task<JobStatusResult> WaitAsync(GridEngineJobRunner runner, JobHandle handle, Func<JobStatusResult, bool> done) =>
        (await SlurmClusterFixture.WaitAsync(runner, [handle], done, Patience))[0];
}
