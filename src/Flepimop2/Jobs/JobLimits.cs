namespace Flepimop2.Jobs;

/// <summary>
/// Resource limits a submission may ask for instead of those its runner's configuration gives (what <c>flepimop2 job
/// retry --memory/--time/--cpus-per-task</c> changes); null leaves one as configured. See <see cref="JobRunner.WithLimits"/>.
/// </summary>
public sealed record JobLimits
{
    /// <summary>The option name of <see cref="Memory"/>, as <see cref="Flepimop2ConfigurationException.Field"/> names it.</summary>
    public const string MemoryField = "memory";

    /// <summary>The option name of <see cref="Time"/>.</summary>
    public const string TimeField = "time";

    /// <summary>The option name of <see cref="CpusPerTask"/>.</summary>
    public const string CpusField = "cpus-per-task";

    /// <summary>The memory limit (Slurm's per node, Grid Engine's per slot).</summary>
    public MemoryRequest? Memory { get; init; }

    /// <summary>The run-time limit.</summary>
    public WallTime? Time { get; init; }

    /// <summary>The CPUs per task (Grid Engine: slots), at least 1.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>The option names of the limits given, in the order of this record's properties.</summary>
    public IReadOnlyList<string> Given =>
        [.. new[] { (MemoryField, Memory is not null), (TimeField, Time is not null), (CpusField, CpusPerTask is not null) }.Where(g => g.Item2).Select(g => g.Item1)];
}
