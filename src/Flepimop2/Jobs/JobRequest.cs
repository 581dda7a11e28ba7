using Flepimop2.Commands;

namespace Flepimop2.Jobs;

/// <summary>
/// One submission: the command to run as the job, and how to submit it. Options that belong to a single submission rather
/// than to the runner's configuration are added here, so runners take them without new method signatures.
/// </summary>
/// <param name="Command">The command the job runs.</param>
public sealed record JobRequest(CliCommand Command)
{
    /// <summary>Prepare everything (resolve, render, write scripts) and stop just before submitting.</summary>
    public bool DryRun { get; init; }
}
