using System.Text.Json.Nodes;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Processes;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Builds Slurm runners for tests.</summary>
internal static class SlurmRunners
{
    /// <summary>A runner wired to a fake (or counting) process layer, a chosen clock, and tools that are all "on PATH".</summary>
    public static SlurmJobRunner With(IProcessRunner processes, SlurmJobOptions? options = null, TimeProvider? clock = null, Func<string, string?>? findTool = null) =>
        new(options ?? new SlurmJobOptions(), new JsonObject(), null, clock ?? TimeProvider.System, processes, findTool ?? (tool => "/usr/bin/" + tool));

    /// <summary>
    /// The runner of the jobs that really run, on the cluster or a scripted stand-in: the one place where what a test asks
    /// (<see cref="RunnerSettings"/>) becomes Slurm's options.
    /// </summary>
    public static SlurmJobRunner Create(RunnerSettings settings) =>
        new(
            new SlurmJobOptions
            {
                Executable = settings.Executable,
                Chdir = settings.Directory,
                SbatchDirectory = Path.Combine(settings.Directory, "scripts"),
                Memory = settings.Memory,
                Time = settings.Time,
                CpusPerTask = settings.Cpus,
                Requeue = settings.Requeue,
                SbatchOptions = settings.Queue is { } partition ? new Dictionary<string, string?> { ["partition"] = partition } : new Dictionary<string, string?>(),
            },
            new JsonObject(),
            null,
            TimeProvider.System,
            settings.Tools,
            settings.FindTool);
}
