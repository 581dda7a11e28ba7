using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Processes;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>
/// The real Grid Engine cell the integration tests submit to. It fails (never skips) when the cell is not there, saying how
/// to start it. Jobs run the test dummy in a fresh directory under /tmp.
/// </summary>
public sealed class GridEngineCellFixture : IDisposable
{
    private const string HowToStart =
        "The Grid Engine integration tests need the test cell: start it with `scripts/gridengine/start-cell.sh` (as root, about 5 s), then run the tests again.";

    public GridEngineCellFixture()
    {
        if (Executables.Find("qsub", Environment.GetEnvironmentVariable("PATH")) is null)
        {
            throw new InvalidOperationException($"'qsub' is not on PATH. {HowToStart}");
        }

        var (exitCode, output) = SlurmClusterFixture.Run("qstat", "-f");
        if (exitCode != 0 || !output.Contains("all.q@", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the Grid Engine qmaster does not answer (`qstat -f` said: {output.Trim()}). {HowToStart}");
        }

        Directory = System.IO.Directory.CreateDirectory(Path.Combine("/tmp", $"flepimop2-gridengine-tests-{Guid.NewGuid():N}")).FullName;
        Dummy = TestPaths.Dummy;
    }

    /// <summary>A directory every job can write to: its working directory and the place of its scripts and outputs.</summary>
    public string Directory { get; }

    public string Dummy { get; }

    /// <summary>Options for a job that runs the dummy: <c>dummy process ARGV...</c>.</summary>
    public GridEngineJobOptions Options => new()
    {
        Executable = Dummy,
        Chdir = Directory,
        ScriptDirectory = Path.Combine(Directory, "scripts"),
    };

    public GridEngineJobRunner Runner(GridEngineJobOptions? options = null) => new(options ?? Options);

    internal static GridEngineJobRunner Runner(GridEngineJobOptions options, IProcessRunner processes) =>
        new(options, new BatchRunnerParts(processes, TimeProvider.System, BatchRunnerParts.OnPath));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A job deleted a moment ago may still hold its output file; /tmp is cleaned anyway.
        }
    }
}
