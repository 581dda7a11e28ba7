using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// On the real cluster, Slurm 22.05, which has no <c>squeue --only-job-state</c>: the version is read as such, once, and the
/// runner asks squeue as it always did.
/// </summary>
[Collection("slurm")]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmOnlyJobStateClusterSpecs(SlurmClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Jobs_after_one_that_must_succeed_are_checked_without_the_option_and_the_version_is_asked_once()
    {
        var tools = new RecordingProcessRunner();
        var runner = SlurmRunners.Create(cluster.Settings(tools));
        var first = await RunnerSteps.SubmitAsync(runner, "exit", "0");

        var after = new List<JobHandle>();
        for (var i = 0; i < 2; i++)
        {
            after.Add(Assert.IsType<JobHandle>(await runner.SubmitAsync(new JobRequest(new DummyCommand("exit", "0")) { After = [new(first, DependencyCondition.Succeeded)] })));
        }

        var last = await RunnerSteps.WaitFinishedAsync(runner, [first, .. after], Patience);

        Assert.All(last, r => Assert.Equal(JobStatus.Successful, r.Status));
        var version = Assert.Single(tools.Calls, c => c.SequenceEqual(["squeue", "--version"]));
        Assert.DoesNotContain(tools.Calls, c => c.Contains("--only-job-state"));
        var answer = await ProcessRunner.Instance.RunAsync(version, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(new SlurmVersion(22, 5), SlurmVersion.FromVersionOutput(answer.Stdout));
    }
}
