namespace Flepimop2.Jobs.Batch;

/// <summary>
/// What the options of every cluster scheduler runner (<see cref="Slurm.SlurmJobOptions"/>,
/// <see cref="GridEngine.GridEngineJobOptions"/>) share: resources, where the job runs, the lines around its command and
/// where its script goes. Values are checked when the runner is built; each runner's YAML keys, and what each becomes on the
/// scheduler's command line, are on its page of the manual (docs/slurm.md, docs/gridengine.md).
/// </summary>
public abstract record BatchJobOptions
{
    /// <summary>
    /// The memory limit (Slurm <c>memory</c>, per node; Grid Engine <c>h_vmem</c>, per slot); the scheduler's default when null.
    /// </summary>
    public MemoryRequest? Memory { get; init; }

    /// <summary>The run-time limit (Slurm <c>time</c>, Grid Engine <c>h_rt</c>); the scheduler's default when null.</summary>
    public WallTime? Time { get; init; }

    /// <summary>The job's working directory (<c>chdir</c>); the submitter's current directory when null.</summary>
    public string? Chdir { get; init; }

    /// <summary>Trace the batch script with <c>set -x</c> (<c>debug</c>).</summary>
    public bool Debug { get; init; }

    /// <summary>Shell lines run before the command (<c>pre-commands</c>), for example <c>module load ...</c>.</summary>
    public IReadOnlyList<string> PreCommands { get; init; } = [];

    /// <summary>Shell lines run after the command (<c>post-commands</c>); they cannot change the job's exit code.</summary>
    public IReadOnlyList<string> PostCommands { get; init; } = [];

    /// <summary>
    /// Where batch scripts and a sweep's task table are written (Slurm <c>sbatch-directory</c>, the original's name; Grid
    /// Engine <c>script-directory</c>). By default a fresh temporary directory for one job, and
    /// <c>.flepimop2_cache/job/BACKEND</c> under the working directory for a sweep, whose table the nodes must read.
    /// </summary>
    public string? ScriptDirectory { get; init; }

    /// <summary>
    /// The program that runs flepimop2 commands on the node (<c>executable</c>); the running flepimop2 itself when null. A
    /// path is made absolute; a bare name is left to the node's PATH (for sites where <see cref="PreCommands"/> set it up).
    /// </summary>
    public string? Executable { get; init; }

    /// <summary>At most this many tasks of a sweep run at once (<c>max-parallel</c>), unless a submission says otherwise; all the scheduler allows when null.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>
    /// How many tasks of a sweep each array task runs one after another (<c>tasks-per-job</c>), unless a submission says
    /// otherwise; one when null. The time limit, given per task, is multiplied by it for the array task.
    /// </summary>
    public int? TasksPerJob { get; init; }
}
