namespace Flepimop2.Jobs.GridEngine;

/// <summary>
/// Options of the <c>gridengine</c> runner (YAML keys in brackets), for Son of Grid Engine and its relatives. Unset
/// resource options are left to the cell's defaults. Values are checked and normalized when the runner is built.
/// </summary>
public sealed record GridEngineJobOptions
{
    /// <summary>The cluster queue (<c>queue</c>), <c>qsub -q</c>.</summary>
    public string? Queue { get; init; }

    /// <summary>Slots of the parallel environment (<c>slots</c>), at least 1: <c>qsub -pe PE N</c>.</summary>
    public int? Slots { get; init; }

    /// <summary>The parallel environment the slots come from (<c>parallel-environment</c>); <c>smp</c> when slots are asked for and this is null.</summary>
    public string? ParallelEnvironment { get; init; }

    /// <summary>
    /// The hard run-time limit (<c>h_rt</c>, also read as <c>time</c>) in a Slurm form (<c>M</c>, <c>M:S</c>, <c>H:M:S</c>,
    /// <c>D-H</c>, <c>D-H:M</c>, <c>D-H:M:S</c>, <c>UNLIMITED</c>); normalized to <c>H:MM:SS</c> (hours may pass 24), as
    /// <c>-l h_rt=</c> takes it.
    /// </summary>
    public string? Time { get; init; }

    /// <summary>The hard virtual-memory limit per slot (<c>h_vmem</c>, also read as <c>memory</c>): <c>4G</c>, <c>500M</c>, or a number of megabytes; normalized to a whole amount with an upper-case unit.</summary>
    public string? Memory { get; init; }

    /// <summary>The project the job is accounted to (<c>project</c>), <c>qsub -P</c>.</summary>
    public string? Project { get; init; }

    /// <summary>The job's working directory (<c>chdir</c>); the submitter's current directory when null. Its output goes there.</summary>
    public string? Chdir { get; init; }

    /// <summary>Trace the batch script with <c>set -x</c> (<c>debug</c>).</summary>
    public bool Debug { get; init; }

    /// <summary>Shell lines run before the command (<c>pre-commands</c>).</summary>
    public IReadOnlyList<string> PreCommands { get; init; } = [];

    /// <summary>Shell lines run after the command (<c>post-commands</c>); they cannot change the job's exit code.</summary>
    public IReadOnlyList<string> PostCommands { get; init; } = [];

    /// <summary>
    /// Other qsub options by name without the dash (<c>qsub-options</c>), for example <c>m: bea</c> or <c>l: arch=lx-amd64</c>;
    /// a null value is a flag. Those flepimop2 sets itself are refused (see the README).
    /// </summary>
    public IReadOnlyDictionary<string, string?> QsubOptions { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where scripts (and a sweep's task table) are written (<c>script-directory</c>); see the README for the default.</summary>
    public string? ScriptDirectory { get; init; }

    /// <summary>The program that runs flepimop2 commands (<c>executable</c>); the running flepimop2 itself when null.</summary>
    public string? Executable { get; init; }

    /// <summary>At most this many tasks of a sweep at once (<c>max-parallel</c>): <c>qsub -tc</c>.</summary>
    public int? MaxParallel { get; init; }
}
