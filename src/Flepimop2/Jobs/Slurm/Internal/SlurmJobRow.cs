using Flepimop2.Jobs.Internal;
namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>What one line of <c>squeue</c>, <c>sacct</c> or <c>scontrol show job</c> said about a job; fields a tool does not give are null.</summary>
/// <param name="JobId">The job id as the tool printed it.</param>
/// <param name="State">The bare state, for example <c>CANCELLED</c> (see <see cref="SlurmStates.Normalize"/>).</param>
/// <param name="ExitCode">The exit code of the batch script, the number before the colon of <c>7:0</c>.</param>
/// <param name="Signal">The signal that ended it, the number after the colon.</param>
/// <param name="Elapsed">Run time as Slurm prints it, for example <c>00:01:18</c> or <c>1-02:03:04</c>.</param>
/// <param name="Nodes">The nodes it ran or runs on, when assigned.</param>
/// <param name="Reason">Why it waits or ended, as <c>squeue %r</c> or <c>scontrol Reason=</c> gives it; <c>None</c> becomes null.</param>
/// <param name="CancelledBy">The uid in <c>CANCELLED by 1000</c>.</param>
/// <param name="FromRange">Whether the line was a range of array tasks (<c>4211_[20-999%50]</c>) rather than this task's own.</param>
/// <param name="Restarts">How often Slurm requeued it (<c>squeue</c>'s <c>RestartCnt</c>, <c>scontrol</c>'s <c>Restarts=</c>).</param>
/// <param name="Usage">What accounting says it used and was given (<c>sacct</c> only).</param>
internal sealed record SlurmJobRow(
    string JobId,
    string State,
    int? ExitCode = null,
    int? Signal = null,
    string? Elapsed = null,
    string? Nodes = null,
    string? Reason = null,
    string? CancelledBy = null,
    bool FromRange = false,
    int? Restarts = null,
    JobUsage? Usage = null);
