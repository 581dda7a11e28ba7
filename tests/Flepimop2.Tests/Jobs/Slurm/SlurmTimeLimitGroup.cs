namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>The time-limit test waits over a minute for Slurm to kill its job, so it runs in a collection of its own, beside the others.</summary>
[CollectionDefinition("slurm-time-limit")]
public sealed class SlurmTimeLimitGroup : ICollectionFixture<SlurmClusterFixture>
{
}
