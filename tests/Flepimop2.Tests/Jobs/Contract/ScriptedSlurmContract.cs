using Flepimop2.Tests.Jobs.Scripted;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>Every behaviour of <see cref="SchedulerContract"/> against <see cref="ScriptedSlurm"/>: the cluster's flows, fast and without daemons.</summary>
public sealed class ScriptedSlurmContract : ScriptedContract
{
    private protected override SchedulerDialect Dialect => SlurmDialect.Instance;

    private protected override ScriptedScheduler Create(string directory) => new ScriptedSlurm(directory);
}
