using Flepimop2.Jobs.GridEngine;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>The real Grid Engine cell the integration tests submit to (scripts/gridengine/start-cell.sh). Jobs run the test dummy in a fresh directory under /tmp.</summary>
[FixtureNeeds(Needs.GridEngine)]
public sealed class GridEngineCellFixture() : DaemonFixture(
    "qsub",
    ["qstat", "-f"],
    "all.q@",
    "the Grid Engine qmaster",
    "The Grid Engine integration tests need the test cell: start it with `scripts/gridengine/start-cell.sh` (as root, about 5 s), then run the tests again.",
    "gridengine")
{
    /// <summary>A runner of the dummy on the cell, with <paramref name="change"/> made to its settings.</summary>
    internal GridEngineJobRunner Runner(Func<RunnerSettings, RunnerSettings>? change = null) =>
        GridEngineRunners.Create(change is null ? Settings() : change(Settings()));
}
