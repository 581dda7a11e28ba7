using Flepimop2.Tests.Common;
using Flepimop2.Tests.Jobs.GridEngine;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>The contract on the real cell; a collection of its own, so that it runs beside the other cell tests.</summary>
[CollectionDefinition(Name)]
public sealed class GridEngineContractGroup : ICollectionFixture<GridEngineCellFixture>
{
    public const string Name = "gridengine-contract";
}

/// <summary>Every behaviour of <see cref="SchedulerContract"/> on the real Grid Engine cell of this machine (scripts/gridengine/start-cell.sh).</summary>
[Collection(GridEngineContractGroup.Name)]
[Trait(Needs.Trait, Needs.GridEngine)]
public sealed class GridEngineCellContract(GridEngineCellFixture cell) : SchedulerContract
{
    private protected override SchedulerDialect Dialect => GridEngineDialect.Instance;

    private protected override RunnerSettings Settings => cell.Settings();

    protected override TimeSpan Patience => TimeSpan.FromSeconds(180);
}
