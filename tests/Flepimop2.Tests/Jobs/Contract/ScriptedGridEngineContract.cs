using Flepimop2.Tests.Jobs.Scripted;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>Every behaviour of <see cref="SchedulerContract"/> against <see cref="ScriptedGridEngine"/>: the cell's flows, fast and without daemons.</summary>
public sealed class ScriptedGridEngineContract : ScriptedContract
{
    private protected override SchedulerDialect Dialect => GridEngineDialect.Instance;

    private protected override ScriptedScheduler Create(string directory) => new ScriptedGridEngine(directory);
}
