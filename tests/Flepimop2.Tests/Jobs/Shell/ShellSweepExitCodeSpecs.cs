using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// A sweep task's exit code is its own: the task's recorder, itself interrupted by the signal a whole-sweep cancel sends,
/// still records the code its task ended with, not the interruption's 143.
/// </summary>
public sealed class ShellSweepExitCodeSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Tasks_that_take_a_cancel_and_exit_0_are_recorded_with_0_every_time()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = true, LogDirectory = _temp.Combine("logs") }) { CancelGracePeriod = TimeSpan.FromSeconds(10) };
        var marks = Directory.CreateDirectory(_temp.Combine("marks")).FullName;

        // The race is in timing: several rounds, each of four tasks that trap SIGTERM and exit 0, cancelled as a whole.
        for (var round = 0; round < 4; round++)
        {
            var task = new ArgvCommand(
                ["sh", "-c", "trap 'exit 0' TERM; : > \"$1/$2.$FLEPIMOP2_TASK_INDEX\"; while :; do sleep 0.05; done", "sh", marks, $"{round}"],
                runsFlepimop2: false);
            var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep([task, task, task, task], maxParallel: 4)));
            await Eventually.Until(() => Task.FromResult(Directory.EnumerateFiles(marks, $"{round}.*").Count()), n => n == 4);

            await runner.CancelAsync(handle);
            var last = await Eventually.Until(() => runner.StatusAsync(handle), r => r.Status.IsFinished() && r.Sweep!.Tasks.All(t => t.Status.IsFinished()));

            Assert.Equal([0, 0, 0, 0], last.Sweep!.Tasks.Select(t => t.ExitCode));
            Assert.All(last.Sweep.Tasks, t => Assert.Equal(JobStatus.Successful, t.Status));
        }
    }
}
