using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Support;

/// <summary>
/// What a test asks of a batch runner, in terms every scheduler's runner takes. Each backend has one factory that turns
/// these into its options and builds the runner (<c>SlurmRunners.Create</c>, <c>GridEngineRunners.Create</c>), so that the
/// runners' constructors and option types are met in one place per backend.
/// </summary>
internal sealed record RunnerSettings
{
    /// <summary>The jobs' working directory: where they run and their logs go; their scripts go in <c>scripts/</c> below it.</summary>
    public required string Directory { get; init; }

    /// <summary>The scheduler's tools: the real ones, or a scripted stand-in, possibly wrapped to record the calls.</summary>
    public required IProcessRunner Tools { get; init; }

    /// <summary>Where the runner looks for a tool before it uses it.</summary>
    public required Func<string, string?> FindTool { get; init; }

    /// <summary>The program that runs flepimop2's commands on the node: the test dummy.</summary>
    public string Executable { get; init; } = TestPaths.Dummy;

    /// <summary>The memory limit, as a size (<c>50M</c>).</summary>
    public string? Memory { get; init; }

    /// <summary>The time limit, in the scheduler's own notation (Slurm's <c>1</c> is a minute, Grid Engine's <c>0:5</c> five seconds).</summary>
    public string? Time { get; init; }

    /// <summary>CPUs (Slurm's cpus-per-task, Grid Engine's slots).</summary>
    public int? Cpus { get; init; }

    /// <summary>The queue (Slurm's partition).</summary>
    public string? Queue { get; init; }

    /// <summary>Slurm: whether the job may be requeued.</summary>
    public bool? Requeue { get; init; }

    /// <summary>Grid Engine: the cell's accounting file; the runner's default (the environment's cell) when null.</summary>
    public string? AccountingFile { get; init; }
}
