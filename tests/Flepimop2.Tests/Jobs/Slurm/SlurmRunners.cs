using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Processes;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Builds runners wired to a fake (or counting) process layer, a chosen clock, and tools that are all "on PATH".</summary>
internal static class SlurmRunners
{
    public static SlurmJobRunner With(IProcessRunner processes, SlurmJobOptions? options = null, TimeProvider? clock = null, Func<string, string?>? findTool = null) =>
        new(options ?? new SlurmJobOptions(), new BatchRunnerParts(processes, clock ?? TimeProvider.System, findTool ?? (tool => "/usr/bin/" + tool)));
}
