using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>A job over its time limit, on the real cluster. Slurm kills it 60 to 90 s after the limit of one minute.</summary>
[Collection("slurm-time-limit")]
[Trait("Category", "Slurm")]
public sealed class SlurmTimeLimitSpecs(SlurmClusterFixture cluster)
{
    [Fact]
    public async Task A_step_over_its_time_limit_is_failed_as_timed_out_with_twice_its_limit_as_advice()
    {
        var runner = cluster.Runner(cluster.Options with { Time = WallTime.Parse("1") });
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "600");

        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], TimeSpan.FromSeconds(200)))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("TIMEOUT", JsonText.Display(last.Detail.GetValueOrDefault("state")));
        Assert.Equal("ran out of time: it reached its time limit of 00:01:00", JsonText.Display(last.Detail.GetValueOrDefault("reason")));
        Assert.Equal("""{"time":"0-00:02:00"}""", last.Detail["retry"]!.ToJsonString());
        Assert.Equal("60", JsonText.Display(last.Detail.GetValueOrDefault("time_limit_seconds")));
        Assert.InRange(last.Detail["elapsed_seconds"]!.GetValue<long>(), 60, 200);
    }
}
