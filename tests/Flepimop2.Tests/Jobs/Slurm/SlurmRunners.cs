using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Builds Slurm runners for tests.</summary>
internal static class SlurmRunners
{
    /// <summary>A runner wired to a fake (or counting) process layer, a chosen clock, and tools that are all "on PATH".</summary>
    public static SlurmJobRunner With(IProcessRunner processes, SlurmJobOptions? options = null, TimeProvider? clock = null, Func<string, string?>? findTool = null) =>
        new(options ?? new SlurmJobOptions(), new BatchRunnerParts(processes, clock ?? TimeProvider.System, findTool ?? (tool => "/usr/bin/" + tool)));

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
                ScriptDirectory = Path.Combine(settings.Directory, "scripts"),
                Memory = settings.Memory is { } memory ? MemoryRequest.Parse(memory) : null,
                Time = settings.Time is { } time ? WallTime.Parse(time) : null,
                CpusPerTask = settings.Cpus,
                Requeue = settings.Requeue,
                SbatchOptions = settings.Queue is { } partition ? new Dictionary<string, string?> { ["partition"] = partition } : new Dictionary<string, string?>(),
            },
            new BatchRunnerParts(settings.Tools, TimeProvider.System, settings.FindTool));
}
