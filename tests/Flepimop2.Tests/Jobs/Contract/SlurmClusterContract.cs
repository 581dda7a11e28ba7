using Flepimop2.Tests.Common;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>The contract on the real cluster; a collection of its own, so that it runs beside the other cluster tests.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmContractGroup : ICollectionFixture<SlurmClusterFixture>
{
    public const string Name = "slurm-contract";
}

/// <summary>Every behaviour of <see cref="SchedulerContract"/> on the real Slurm cluster of this machine (scripts/slurm/start-cluster.sh).</summary>
[Collection(SlurmContractGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmClusterContract(SlurmClusterFixture cluster) : SchedulerContract
{
    private protected override SchedulerDialect Dialect => SlurmDialect.Instance;

    private protected override RunnerSettings Settings => cluster.Settings();

    protected override TimeSpan Patience => TimeSpan.FromSeconds(180);

    protected override int ManyJobs => 54;
}
