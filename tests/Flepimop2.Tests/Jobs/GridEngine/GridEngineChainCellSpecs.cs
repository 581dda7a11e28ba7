using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>Chains on the real cell; twins of <see cref="SlurmChainClusterSpecs"/>. <c>-hold_jid</c> releases a job however its predecessor ended, so the job's own check decides.</summary>
[Collection("gridengine")]
[Trait("Category", "GridEngine")]
public sealed class GridEngineChainCellSpecs(GridEngineCellFixture cell)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_sweep_then_a_step_then_a_report_run_unattended_in_order()
    {
        var runner = cell.Runner();
        var marks = Marks();
        var sweep = await SubmitAsync(runner, JobRequest.Sweep([.. Enumerable.Range(0, 3).Select(_ => (CliCommand)new DummyCommand("task", marks, string.Empty, "2"))]));
        var process = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "process"), "x")) { After = [new(sweep, DependencyCondition.Succeeded)] });
        var report = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "report"), "y")) { After = [new(process, DependencyCondition.Ended)] });

        var waiting = await runner.StatusAsync(report);
        var last = await SlurmClusterFixture.WaitFinishedAsync(runner, [sweep, process, report], Patience);

        Assert.Equal(JobStatus.Pending, waiting.Status);
        Assert.Equal([JobStatus.Successful, JobStatus.Successful, JobStatus.Successful], last.Select(r => r.Status));
        var sweepEnd = Enumerable.Range(0, 3).Max(i => File.GetLastWriteTimeUtc(Path.Combine(marks, $"{i}.end")));
        Assert.True(File.GetLastWriteTimeUtc(Path.Combine(marks, "process")) >= sweepEnd, "the step ran before the sweep ended");
        Assert.True(File.GetLastWriteTimeUtc(Path.Combine(marks, "report")) >= File.GetLastWriteTimeUtc(Path.Combine(marks, "process")), "the report ran before the step");
    }

    [Fact]
    public async Task A_failing_first_step_ends_the_rest_failed_with_the_reason_and_they_never_run()
    {
        var runner = cell.Runner();
        var marks = Marks();
        var first = await SubmitAsync(runner, new JobRequest(new DummyCommand("exit", "4")));
        var second = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "second"))) { After = [new(first, DependencyCondition.Succeeded)] });
        var third = await SubmitAsync(runner, new JobRequest(new DummyCommand("argv", Path.Combine(marks, "third"))) { After = [new(second, DependencyCondition.Succeeded)] });

        var last = await SlurmClusterFixture.WaitFinishedAsync(runner, [first, second, third], Patience);

        Assert.Equal([JobStatus.Failed, JobStatus.Failed, JobStatus.Failed], last.Select(r => r.Status));
        Assert.Equal($"dependency {first.Key} failed (it did not run)", last[1].Detail["reason"]!.ToString());
        Assert.Equal($"dependency {second.Key} failed (it did not run)", last[2].Detail["reason"]!.ToString());
        Assert.False(File.Exists(Path.Combine(marks, "second")), "the second step ran");
        Assert.False(File.Exists(Path.Combine(marks, "third")), "the third step ran");
    }

    [Fact]
    public async Task A_job_waiting_for_a_running_one_is_pending_and_says_for_which()
    {
        var runner = cell.Runner();
        var first = await SubmitAsync(runner, new JobRequest(new DummyCommand("sleep", "30")));
        var second = await SubmitAsync(runner, new JobRequest(new DummyCommand("exit", "0")) { After = [new(first, DependencyCondition.Ended)] });

        var waiting = (await SlurmClusterFixture.WaitAsync(runner, [second], r => r.Detail.ContainsKey("reason") && r.Detail["reason"]!.ToString().StartsWith("waiting", StringComparison.Ordinal), Patience))[0];
        await runner.CancelAsync(first);
        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [second], Patience))[0];

        Assert.Equal(JobStatus.Pending, waiting.Status);
        Assert.Equal($"waiting for {first.Key}", waiting.Detail["reason"]!.ToString());
        Assert.Equal(JobStatus.Successful, last.Status);
    }

    private string Marks() =>
        Directory.CreateDirectory(Path.Combine(cell.Directory, $"chain-{Guid.NewGuid():N}")).FullName;

    private static async Task<JobHandle> SubmitAsync(GridEngineJobRunner runner, JobRequest request) =>
        Assert.IsType<JobHandle>(await runner.SubmitAsync(request));
}
