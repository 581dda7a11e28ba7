namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>The integration tests against the real cluster; they run one after another, their jobs side by side.</summary>
[CollectionDefinition("slurm")]
public sealed class SlurmClusterGroup : ICollectionFixture<SlurmClusterFixture>
{
}
