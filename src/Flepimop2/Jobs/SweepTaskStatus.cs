using System.Text.Json.Nodes;

namespace Flepimop2.Jobs;

/// <summary>Where one task of a sweep stands.</summary>
/// <param name="Index">The task's position in the sweep, from 0 (its <c>FLEPIMOP2_TASK_INDEX</c>).</param>
/// <param name="Status">Its status.</param>
public sealed record SweepTaskStatus(int Index, JobStatus Status)
{
    /// <summary>Its exit code, when it ended with one on record.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The backend's id of the task (a Slurm array task such as <c>4211_17</c>), when it has one.</summary>
    public string? BackendId { get; init; }

    /// <summary>What the backend said about the task, as for an ordinary job (state, reason, signal, ...).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Detail { get; init; } = new Dictionary<string, JsonNode?>();
}
