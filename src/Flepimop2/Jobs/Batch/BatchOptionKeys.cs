namespace Flepimop2.Jobs.Batch;

/// <summary>
/// How one scheduler runner names the options every scheduler runner has (<see cref="BatchJobOptions"/>) in its YAML entry
/// and its stored configuration, and how it writes a time limit.
/// </summary>
/// <param name="Memory">The memory key (<c>memory</c>, <c>h_vmem</c>).</param>
/// <param name="MemoryAlias">Another name the memory is read under (<c>memory</c> for Grid Engine), or null.</param>
/// <param name="Time">The time key (<c>time</c>, <c>h_rt</c>).</param>
/// <param name="TimeAlias">Another name the time is read under, or null.</param>
/// <param name="ScriptDirectory">The script directory key (<c>sbatch-directory</c>, the original's; <c>script-directory</c>).</param>
/// <param name="ToolOptions">The key of the map of the submit tool's own options (<c>sbatch-options</c>, <c>qsub-options</c>).</param>
/// <param name="TimeText">The time limit as the scheduler takes it, and as the stored configuration keeps it.</param>
internal sealed record BatchOptionKeys(
    string Memory,
    string? MemoryAlias,
    string Time,
    string? TimeAlias,
    string ScriptDirectory,
    string ToolOptions,
    Func<WallTime, string> TimeText);
