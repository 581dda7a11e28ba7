namespace Flepimop2.Jobs;

/// <summary>
/// A job another waits for, and on what condition: in a submission (<see cref="JobRequest.After"/>), with the predecessor's
/// handle, and as a handle records it (<see cref="JobHandle.After"/>), by its key alone.
/// </summary>
/// <param name="Key">The predecessor's key, for example <c>slurm-4211</c>.</param>
/// <param name="Condition">Whether it must succeed, or only end.</param>
public sealed record JobDependency(string Key, DependencyCondition Condition)
{
    /// <summary>A dependency on a job of which the handle is at hand, as a submission needs it.</summary>
    /// <param name="predecessor">The job waited for; it must be on the same backend.</param>
    /// <param name="condition">Whether it must succeed, or only end.</param>
    public JobDependency(JobHandle predecessor, DependencyCondition condition)
        : this(predecessor?.Key ?? throw new ArgumentNullException(nameof(predecessor)), condition)
    {
        Predecessor = predecessor;
    }

    /// <summary>The predecessor's handle; null for a dependency read back from a record, which keeps only the key.</summary>
    public JobHandle? Predecessor { get; init; }

    /// <summary>The predecessor's handle, which a submission must have (<see cref="JobRunner.ValidateSubmission(JobRequest)"/> checks it first).</summary>
    internal JobHandle Handle => Predecessor ?? throw new InvalidOperationException($"the dependency on {Key} holds no handle of it");

    /// <summary>The condition as handles record it: <c>ok</c> or <c>any</c> (Slurm's <c>afterok</c> and <c>afterany</c>).</summary>
    public string ConditionName => Condition == DependencyCondition.Succeeded ? "ok" : "any";

    /// <summary>The key and the condition for a detail line: <c>slurm-4211 (must succeed)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Key} ({(Condition == DependencyCondition.Succeeded ? "must succeed" : "must end")})";
}
