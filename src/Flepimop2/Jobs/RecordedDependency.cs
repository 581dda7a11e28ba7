namespace Flepimop2.Jobs;

/// <summary>A predecessor as a handle records it (metadata <c>after</c>): its key and the condition.</summary>
/// <param name="Key">The predecessor's key, for example <c>slurm-4211</c>.</param>
/// <param name="Condition">Whether it had to succeed, or only end.</param>
public sealed record RecordedDependency(string Key, DependencyCondition Condition)
{
    /// <summary>The key and the condition for a detail line: <c>slurm-4211 (must succeed)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Key} ({(Condition == DependencyCondition.Succeeded ? "must succeed" : "must end")})";
}
