namespace Flepimop2.Jobs.Slurm;

/// <summary>
/// Options of the <c>slurm</c> runner (YAML keys in brackets). Unset resource options are left to the site's defaults.
/// Values are checked and normalized when the runner is built.
/// </summary>
public sealed record SlurmJobOptions
{
    /// <summary>CPUs per task (<c>cpus-per-task</c>), at least 1.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>Memory per node (<c>memory</c>): <c>4G</c>, <c>500M</c>, <c>2.5T</c>, or a number of megabytes; normalized to a whole amount with an upper-case unit.</summary>
    public string? Memory { get; init; }

    /// <summary>Number of nodes (<c>nodes</c>), at least 1.</summary>
    public int? Nodes { get; init; }

    /// <summary>Number of tasks (<c>ntasks</c>), at least 1.</summary>
    public int? Ntasks { get; init; }

    /// <summary>Time limit (<c>time</c>) in a Slurm form (<c>M</c>, <c>M:S</c>, <c>H:M:S</c>, <c>D-H</c>, <c>D-H:M</c>, <c>D-H:M:S</c>); normalized to <c>D-HH:MM:SS</c>.</summary>
    public string? Time { get; init; }

    /// <summary>The job's working directory (<c>chdir</c>); the submitter's current directory when null.</summary>
    public string? Chdir { get; init; }

    /// <summary>Trace the batch script with <c>set -x</c> (<c>debug</c>).</summary>
    public bool Debug { get; init; }

    /// <summary>Shell lines run before the command (<c>pre-commands</c>), for example <c>module load ...</c>.</summary>
    public IReadOnlyList<string> PreCommands { get; init; } = [];

    /// <summary>Shell lines run after the command (<c>post-commands</c>); they cannot change the job's exit code.</summary>
    public IReadOnlyList<string> PostCommands { get; init; } = [];

    /// <summary>
    /// Other sbatch long options by name without dashes (<c>sbatch-options</c>), for example <c>partition</c>; a null value
    /// is a flag (<c>--exclusive</c>). The options flepimop2 sets itself (<c>chdir</c>, <c>comment</c>, <c>cpus-per-task</c>,
    /// <c>job-name</c>, <c>mem</c>, <c>nodes</c>, <c>ntasks</c>, <c>time</c>) are refused.
    /// </summary>
    public IReadOnlyDictionary<string, string?> SbatchOptions { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// At most this many tasks of a sweep run at once (<c>max-parallel</c>), unless a submission says otherwise: the array's
    /// <c>%</c> limit. All that the cluster allows when null.
    /// </summary>
    public int? MaxParallel { get; init; }

    /// <summary>
    /// Whether Slurm may requeue the job when its node fails or it is preempted (<c>requeue</c>): true renders
    /// <c>#SBATCH --requeue</c>, false <c>#SBATCH --no-requeue</c>; null leaves it to the cluster's <c>JobRequeue</c> setting.
    /// A requeued job is <c>pending</c> again, with its <c>restarts</c> in the status detail.
    /// </summary>
    public bool? Requeue { get; init; }

    /// <summary>Where batch scripts are written (<c>sbatch-directory</c>); a fresh temporary directory per submission when null.</summary>
    public string? SbatchDirectory { get; init; }

    /// <summary>
    /// The program the job runs (<c>executable</c>); the running flepimop2 itself when null. A path is made absolute;
    /// a bare name is left for the compute node's PATH (for sites where <see cref="PreCommands"/> set up the environment).
    /// </summary>
    public string? Executable { get; init; }
}
