using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>Builds Grid Engine runners for tests.</summary>
internal static class GridEngineRunners
{
    /// <summary>
    /// The runner of the jobs that really run, on the cell or a scripted stand-in: the one place where what a test asks
    /// (<see cref="RunnerSettings"/>) becomes Grid Engine's options.
    /// </summary>
    public static GridEngineJobRunner Create(RunnerSettings settings)
    {
        var options = new GridEngineJobOptions
        {
            Executable = settings.Executable,
            Chdir = settings.Directory,
            ScriptDirectory = Path.Combine(settings.Directory, "scripts"),
            Memory = settings.Memory is { } memory ? MemoryRequest.Parse(memory) : null,
            Time = settings.Time is { } time ? WallTime.Parse(time) : null,
            Slots = settings.Cpus,
            Queue = settings.Queue,
        };
        return settings.AccountingFile is { } file
            ? new GridEngineJobRunner(options, new BatchRunnerParts(settings.Tools, TimeProvider.System, settings.FindTool)) { AccountingFile = file }
            : new GridEngineJobRunner(options, new BatchRunnerParts(settings.Tools, TimeProvider.System, settings.FindTool));
    }
}
