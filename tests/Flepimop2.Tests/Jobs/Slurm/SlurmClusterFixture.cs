using Flepimop2.Jobs.Slurm;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// The real cluster the integration tests submit to (scripts/slurm/start-cluster.sh). Jobs run the test dummy with a small
/// memory request (the cluster enforces it), in a fresh directory under /tmp.
/// </summary>
[FixtureNeeds(Needs.Slurm)]
public sealed class SlurmClusterFixture() : DaemonFixture(
    "sbatch",
    ["sinfo", "-h", "-o", "%a"],
    "up",
    "the Slurm controller",
    "The Slurm integration tests need the test cluster: start it with `scripts/slurm/start-cluster.sh` (as root, about 3 s), then run the tests again.",
    "slurm")
{
    internal override RunnerSettings Settings(IProcessRunner? tools = null) => base.Settings(tools) with { Memory = "50M" };

    /// <summary>A runner of the dummy on the cluster, with <paramref name="change"/> made to its settings.</summary>
    internal SlurmJobRunner Runner(Func<RunnerSettings, RunnerSettings>? change = null) =>
        SlurmRunners.Create(change is null ? Settings() : change(Settings()));
}
