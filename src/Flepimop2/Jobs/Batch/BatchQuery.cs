namespace Flepimop2.Jobs.Batch;

/// <summary>What one status round asks a scheduler about: each job with its scheduler ids, and the ids of their predecessors.</summary>
/// <param name="Jobs">The jobs, each with its own id or its sweep's units' ids.</param>
/// <param name="PredecessorIds">The ids of the jobs they wait for, asked about in the same round.</param>
internal sealed record BatchQuery(IReadOnlyList<(JobHandle Handle, IReadOnlyList<string> Ids)> Jobs, IReadOnlyList<string> PredecessorIds)
{
    /// <summary>Every id to ask about, each once.</summary>
    public IEnumerable<string> AllIds => Jobs.SelectMany(j => j.Ids).Concat(PredecessorIds).Distinct(StringComparer.Ordinal);
}
