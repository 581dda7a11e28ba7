using Flepimop2.Jobs.Batch;
namespace Flepimop2.Jobs.Slurm;

/// <summary>
/// Options of the <c>slurm</c> runner (YAML keys in brackets), beside those every scheduler runner has
/// (<see cref="BatchJobOptions"/>: <c>memory</c> per node, <c>time</c>, <c>chdir</c>, <c>sbatch-directory</c>, ...). Unset
/// resource options are left to the site's defaults. Values are checked when the runner is built.
/// </summary>
public sealed record SlurmJobOptions : BatchJobOptions
{
    /// <summary>CPUs per task (<c>cpus-per-task</c>), at least 1.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>Number of nodes (<c>nodes</c>), at least 1.</summary>
    public int? Nodes { get; init; }

    /// <summary>Number of tasks (<c>ntasks</c>), at least 1.</summary>
    public int? Ntasks { get; init; }

    /// <summary>
    /// Other sbatch long options by name without dashes (<c>sbatch-options</c>), for example <c>partition</c>; a null value
    /// is a flag (<c>--exclusive</c>). The options flepimop2 sets itself, and those that change how sbatch reads the script,
    /// are refused (see the manual's Slurm page, docs/slurm.md).
    /// </summary>
    public IReadOnlyDictionary<string, string?> SbatchOptions { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Whether Slurm may requeue the job when its node fails or it is preempted (<c>requeue</c>): true renders
    /// <c>#SBATCH --requeue</c>, false <c>#SBATCH --no-requeue</c>; null leaves it to the cluster's <c>JobRequeue</c> setting.
    /// A requeued job is <c>pending</c> again, with its <c>restarts</c> in the status detail.
    /// </summary>
    public bool? Requeue { get; init; }
}
