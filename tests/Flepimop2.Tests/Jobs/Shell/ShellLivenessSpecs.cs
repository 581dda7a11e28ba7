using System.Diagnostics;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// One liveness rule: the waiter of a shell dependent takes a predecessor for running only when <c>job status</c> would, so
/// a process that reuses the pid of the original's detached job (which records no start time) never holds a dependent.
/// </summary>
public sealed class ShellLivenessSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_dependent_does_not_wait_for_an_unrelated_process_that_has_its_predecessors_pid()
    {
        // A session leader that started before the predecessor's recorded submission: it cannot be that job.
        using var unrelated = Process.Start(new ProcessStartInfo("setsid", ["sleep", "60"]))!;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var predecessor = new JobHandle(unrelated.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "shell", DateTimeOffset.UtcNow)
            {
                Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached" },
            };
            var runner = new ShellJobRunner(new ShellJobOptions { Detach = true, LogDirectory = _temp.Combine("logs") });
            Assert.NotEqual(JobStatus.Running, (await runner.StatusAsync(predecessor)).Status);

            var mark = _temp.Combine("ran");
            var dependent = Assert.IsType<JobHandle>(await runner.SubmitAsync(
                new JobRequest(new ArgvCommand(["touch", mark], runsFlepimop2: false)) { After = [new(predecessor, DependencyCondition.Ended)] }));
            var last = await Eventually.Until(() => runner.StatusAsync(dependent), r => r.Status.IsFinished(), TimeSpan.FromSeconds(20));

            Assert.Equal(JobStatus.Successful, last.Status);
            Assert.True(File.Exists(mark));
            Assert.False(unrelated.HasExited, "the unrelated process ended first: the test proves nothing");
        }
        finally
        {
            unrelated.Kill();
        }
    }
}
