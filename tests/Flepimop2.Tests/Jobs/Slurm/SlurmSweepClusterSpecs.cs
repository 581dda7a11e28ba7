using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// What only Slurm's sweeps do, on the real cluster, whose <c>MaxArraySize</c> is 50 (scripts/slurm/start-cluster.sh);
/// what every scheduler's sweeps do is in the contract (<see cref="Contract.SlurmClusterContract"/>).
/// </summary>
[Collection("slurm")]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmSweepClusterSpecs(SlurmClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_sweep_larger_than_MaxArraySize_is_split_into_arrays_under_one_handle()
    {
        var runner = cluster.Runner();
        var marks = Directory.CreateDirectory(Path.Combine(cluster.Directory, $"marks-{Guid.NewGuid():N}")).FullName;
        var tasks = Enumerable.Range(0, 60).Select(_ => (CliCommand)new DummyCommand("task", marks, "49,50,55", "0")).ToList();
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(tasks)));

        var last = (await RunnerSteps.WaitAsync(runner, [handle], r => r.Status.IsFinished() && r.Sweep!.Tasks.All(t => t.Status.IsFinished()), Patience))[0];

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
}
