using Flepimop2.Commands;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Internal;

/// <summary>What a handle's metadata records of its submission (its sweep, command and predecessors), read once.</summary>
/// <param name="Sweep">The sweep it records, or null for an ordinary job.</param>
/// <param name="Command">The command it ran, or null.</param>
/// <param name="After">The jobs it waited for.</param>
internal sealed record SubmissionView(SweepInfo? Sweep, ArgvCommand? Command, IReadOnlyList<JobDependency> After)
{
    public static SubmissionView Of(JobHandle handle) =>
        new(SweepInfo.Read(handle), SubmissionRecord.Command(handle), SubmissionRecord.After(handle));
}
