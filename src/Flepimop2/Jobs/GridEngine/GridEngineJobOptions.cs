using Flepimop2.Jobs.Batch;
namespace Flepimop2.Jobs.GridEngine;

/// <summary>
/// Options of the <c>gridengine</c> runner (YAML keys in brackets), for Son of Grid Engine and its relatives, beside those
/// every scheduler runner has (<see cref="BatchJobOptions"/>: <c>h_vmem</c> per slot, <c>h_rt</c>, <c>chdir</c>,
/// <c>script-directory</c>, ...). Unset resource options are left to the cell's defaults. Values are checked when the
/// runner is built.
/// </summary>
public sealed record GridEngineJobOptions : BatchJobOptions
{
    /// <summary>The cluster queue (<c>queue</c>), <c>qsub -q</c>.</summary>
    public string? Queue { get; init; }

    /// <summary>Slots of the parallel environment (<c>slots</c>), at least 1: <c>qsub -pe PE N</c>.</summary>
    public int? Slots { get; init; }

    /// <summary>The parallel environment the slots come from (<c>parallel-environment</c>); <c>smp</c> when slots are asked for and this is null.</summary>
    public string? ParallelEnvironment { get; init; }

    /// <summary>The project the job is accounted to (<c>project</c>), <c>qsub -P</c>.</summary>
    public string? Project { get; init; }

    /// <summary>
    /// Other qsub options by name without the dash (<c>qsub-options</c>), for example <c>m: bea</c> or <c>l: arch=lx-amd64</c>;
    /// a null value is a flag. Those flepimop2 sets itself, and those that change how qsub reads the script, are refused
    /// (see the manual's Grid Engine page, docs/gridengine.md).
    /// </summary>
    public IReadOnlyDictionary<string, string?> QsubOptions { get; init; } = new Dictionary<string, string?>();
}
