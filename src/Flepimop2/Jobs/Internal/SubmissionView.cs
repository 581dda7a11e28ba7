using Flepimop2.Commands;

namespace Flepimop2.Jobs.Internal;

/// <summary>What a handle's metadata records of its submission (its sweep, command and predecessors), read once.</summary>
/// <param name="Sweep">The sweep it records, or null for an ordinary job.</param>
/// <param name="Command">The command it ran, or null.</param>
/// <param name="After">The jobs it waited for.</param>
internal sealed record SubmissionView(SweepInfo? Sweep, ArgvCommand? Command, IReadOnlyList<JobDependency> After)
{
    public static SubmissionView Of(JobHandle handle) =>
        new(SweepInfo.Read(handle), SubmissionRecord.Command(handle), SubmissionRecord.After(handle));

    /// <summary>
    /// What the job runs, in a word: its command's target (or, for a program, the command's name), a sweep's common target,
    /// or the target a scheduler job's name carries (<c>flepimop2:COMMAND:CONFIG:TARGET</c>, as older records keep it only
    /// there); null when the record says nothing.
    /// </summary>
    public string? Target(JobHandle handle)
    {
        if (Command is { } command)
        {
            return command.Target ?? command.CommandName;
        }

        if (Sweep?.Target is { } target)
        {
            return target;
        }

        var name = handle.MetadataText("job_name")?.Split(':', '.');
        return name is ["flepimop2", _, _, { Length: > 0 } last] && last is not ("default" or "sweep") ? last : null;
    }
}
