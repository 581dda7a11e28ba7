using System.Globalization;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Sweeps as Slurm job arrays on the real cluster, whose <c>MaxArraySize</c> is 50 (scripts/slurm/start-cluster.sh).</summary>
[Collection("slurm")]
[Trait("Category", "Slurm")]
public sealed class SlurmSweepClusterSpecs(SlurmClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_twenty_task_sweep_gives_the_exact_failed_indices_and_exit_codes()
    {
        var runner = cluster.Runner();
        var (handle, _) = await SubmitAsync(runner, 20, failing: [2, 7, 12, 19], seconds: 0);

        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal([2, 7, 12, 19], last.Sweep!.FailedIndices);
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => (int?)(i is 2 or 7 or 12 or 19 ? 10 + i : 0)),
            last.Sweep.Tasks.Select(t => t.ExitCode));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{handle.JobId}_{i}"), last.Sweep.Tasks.Select(t => t.BackendId));
        Assert.Equal(new SweepCounts(20, 16, 4, 0, 0, 0), last.Sweep.Counts());

        var one = await runner.TaskStatusAsync(handle, 7);
        Assert.Equal(JobStatus.Failed, one.Status);
        Assert.Equal("FAILED", one.Detail["state"]!.ToString());
        Assert.Equal("17", one.Detail["exit_code"]!.ToString());
        Assert.Equal($"{handle.JobId}_7", one.Detail["job_id"]!.ToString());
    }

    [Fact]
    public async Task At_most_max_parallel_tasks_run_at_once()
    {
        var runner = cluster.Runner();
        var (handle, marks) = await SubmitAsync(runner, 6, failing: [], seconds: 2, maxParallel: 2);

        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Successful, last.Status);
        var spans = Enumerable.Range(0, 6).Select(i => (Start: Mark(marks, i, "start"), End: Mark(marks, i, "end"))).ToList();
        var mostAtOnce = spans.Max(s => spans.Count(o => o.Start <= s.Start && s.Start < o.End));
        Assert.InRange(mostAtOnce, 1, 2);
    }

    [Fact]
    public async Task Cancelling_one_task_leaves_the_others_to_finish()
    {
        var runner = cluster.Runner();
        var (handle, _) = await SubmitAsync(runner, 4, failing: [], seconds: 8);
        await WaitAsync(runner, handle, r => r.Sweep!.Tasks[1].Status == JobStatus.Running);

        await runner.CancelTaskAsync(handle, 1);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal([JobStatus.Successful, JobStatus.Failed, JobStatus.Successful, JobStatus.Successful], last.Sweep!.Tasks.Select(t => t.Status));
        Assert.Equal("CANCELLED", last.Sweep.Tasks[1].Detail["state"]!.ToString());
        Assert.Equal([1], last.Sweep.FailedIndices);
    }

    [Fact]
    public async Task Cancelling_the_sweep_ends_every_task_running_or_pending()
    {
        var runner = cluster.Runner();
        var (handle, _) = await SubmitAsync(runner, 6, failing: [], seconds: 300, maxParallel: 2);
        await WaitAsync(runner, handle, r => r.Sweep!.Count(JobStatus.Running) == 2);

        await runner.CancelAsync(handle);
        var last = await WaitSweepAsync(runner, handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.DoesNotContain(last.Sweep!.Tasks, t => t.Status == JobStatus.Successful);
        Assert.Empty(Squeue(handle.JobId));
    }

    [Fact]
    public async Task A_sweep_larger_than_MaxArraySize_is_split_into_arrays_under_one_handle()
    {
        var runner = cluster.Runner();
        var (handle, _) = await SubmitAsync(runner, 60, failing: [49, 50, 55], seconds: 0);

        var last = await WaitSweepAsync(runner, handle);

        var arrays = handle.Metadata["arrays"]!.AsArray();
        Assert.Equal(2, arrays.Count);
        Assert.Equal([0, 50], arrays.Select(a => (int)a!["first"]!));
        Assert.Equal([50, 10], arrays.Select(a => (int)a!["count"]!));
        var second = arrays[1]!["job_id"]!.ToString();
        Assert.Equal([49, 50, 55], last.Sweep!.FailedIndices);
        Assert.Equal(65, last.Sweep.Tasks[55].ExitCode);
        Assert.Equal($"{second}_5", last.Sweep.Tasks[55].BackendId);
        Assert.Equal(57, last.Sweep.Count(JobStatus.Successful));
    }

    [Fact]
    public async Task Each_task_writes_its_own_log_named_by_its_array_and_index()
    {
        var runner = cluster.Runner();
        var (handle, _) = await SubmitAsync(runner, 3, failing: [], seconds: 0);

        await WaitSweepAsync(runner, handle);

        var log = Assert.Single(runner.GetTaskLogFiles(handle, 2));
        Assert.Equal(Path.Combine(cluster.Directory, $"slurm-{handle.JobId}_2.out"), log);
        Assert.Equal("task 2 of 3\n", await File.ReadAllTextAsync(log));
        Assert.Equal(3, runner.GetLogFiles(handle).Count);
    }

    [Fact]
    public async Task A_dry_run_writes_the_script_and_the_task_table_and_submits_nothing()
    {
        var processes = new RecordingProcessRunner();
        var runner = SlurmClusterFixture.Runner(cluster.Options, processes);
        var tasks = Tasks(3, "/nonexistent", [], 0);

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep(tasks, maxParallel: 2) with { DryRun = true }));

        Assert.DoesNotContain(processes.Calls, c => c[0] == "sbatch");
        var script = await File.ReadAllTextAsync(dry.Details["script"]);
        Assert.Contains("flepimop2_task_argv \"$flepimop2_table\" \"$flepimop2_task\"", script, StringComparison.Ordinal);
        Assert.Equal("0-2", dry.Details["arrays"]);
        Assert.Equal("2", dry.Details["max_parallel"]);
        var table = dry.Details["task_table"];
        for (var i = 0; i < 3; i++)
        {
            var argv = TaskTable.Read(table, i);
            Assert.Equal([cluster.Dummy, "process", "task", "/nonexistent", string.Empty, "0"], argv);
        }

        Assert.StartsWith($"sbatch --parsable --array=0-2%2 {dry.Details["script"]} 0", dry.Command, StringComparison.Ordinal);
    }

    private static double Mark(string marks, int task, string what) =>
        double.Parse(File.ReadAllText(Path.Combine(marks, $"{task}.{what}")), CultureInfo.InvariantCulture);

    private static List<CliCommand> Tasks(int count, string marks, int[] failing, double seconds) =>
        [.. Enumerable.Range(0, count).Select(_ => (CliCommand)new DummyCommand(
            "task", marks, string.Join(',', failing), seconds.ToString(CultureInfo.InvariantCulture)))];

    private static List<string> Squeue(string arrayId)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("squeue", ["-h", "-r", "-o", "%i", "-j", arrayId])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private async Task<(JobHandle Handle, string Marks)> SubmitAsync(SlurmJobRunner runner, int count, int[] failing, double seconds, int? maxParallel = null)
    {
        var marks = Directory.CreateDirectory(Path.Combine(cluster.Directory, $"marks-{Guid.NewGuid():N}")).FullName;
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(Tasks(count, marks, failing, seconds), maxParallel)));
        Assert.Equal(count, handle.SweepSize);
        return (handle, marks);
    }

    private static async Task<JobStatusResult> WaitSweepAsync(SlurmJobRunner runner, JobHandle handle) =>
        await WaitAsync(runner, handle, r => r.Status.IsFinished() && r.Sweep!.Tasks.All(t => t.Status.IsFinished()));

    private static async Task<JobStatusResult> WaitAsync(SlurmJobRunner runner, JobHandle handle, Func<JobStatusResult, bool> done) =>
        (await SlurmClusterFixture.WaitAsync(runner, [handle], done, Patience))[0];
}
