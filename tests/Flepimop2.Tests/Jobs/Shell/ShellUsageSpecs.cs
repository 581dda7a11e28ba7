using System.Diagnostics;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>What a shell job used: its elapsed time, and for a blocking job the peak memory of its process tree.</summary>
public sealed class ShellUsageSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_blocking_job_records_its_elapsed_time_and_the_peak_memory_of_its_process_tree()
    {
        // `tail -n 1` keeps a line without a newline whole: 100 MB in a child of the shell the job runs, held for a second
        // (the tree is sampled four times a second).
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Executable = "sh" });
        var command = new ArgvCommand(["-c", "{ head -c 100000000 /dev/zero; sleep 1; } | tail -n 1 >/dev/null"], runsFlepimop2: true);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(command));
        var status = await runner.StatusAsync(handle);

        var elapsed = status.Detail["elapsed_seconds"]!.GetValue<double>();
        var peak = status.Detail["peak_rss_bytes"]!.GetValue<long>();
        Assert.InRange(elapsed, 1, 60);
        Assert.InRange(peak, 90_000_000, 400_000_000);
    }

    [Fact]
    public async Task Each_ended_task_of_a_sweep_records_its_own_elapsed_time()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = true, Executable = "sh", LogDirectory = _temp.Combine("logs") });
        var tasks = new[] { "sleep 1", "exit 3", "sleep 0.2" }.Select(c => (CliCommand)new ArgvCommand(["-c", c], runsFlepimop2: true)).ToList();

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(tasks)));
        var ended = await Until(runner, handle, r => r.Status.IsFinished());

        var elapsed = ended.Sweep!.Tasks.Select(t => t.Detail["elapsed_seconds"]!.GetValue<double>()).ToList();
        Assert.InRange(elapsed[0], 1, 30);
        Assert.InRange(elapsed[1], 0, 1);
        Assert.InRange(elapsed[2], 0.2, 30);
        Assert.Equal(JobStatus.Failed, ended.Sweep.Tasks[1].Status);
    }

    [Fact]
    public async Task A_detached_job_shows_its_elapsed_time_while_it_runs_and_once_it_ended()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = true, Executable = "sh", LogDirectory = _temp.Combine("logs") });

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["-c", "sleep 1"], runsFlepimop2: true)));
        var running = await Until(runner, handle, r => r.Status == JobStatus.Running && r.Detail.ContainsKey("elapsed_seconds"));
        var ended = await Until(runner, handle, r => r.Status.IsFinished());

        Assert.InRange(running.Detail["elapsed_seconds"]!.GetValue<double>(), 0, 1.5);
        Assert.Equal(JobStatus.Successful, ended.Status);
        Assert.InRange(ended.Detail["elapsed_seconds"]!.GetValue<double>(), 0.9, 30);
    }

    private static async Task<JobStatusResult> Until(JobRunner runner, JobHandle handle, Func<JobStatusResult, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await runner.StatusAsync(handle);
            if (done(result))
            {
                return result;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{handle.Key}: {result} {string.Join("; ", result.DetailLines())}");
            await Task.Delay(20);
        }
    }
}
