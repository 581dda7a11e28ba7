namespace Flepimop2.Jobs;

/// <summary>A job a submission waits for, and on what condition.</summary>
/// <param name="Predecessor">The job waited for; it must be on the same backend.</param>
/// <param name="Condition">Whether it must succeed, or only end.</param>
public sealed record JobDependency(JobHandle Predecessor, DependencyCondition Condition)
{
    /// <summary>The condition as handles record it: <c>ok</c> or <c>any</c> (Slurm's <c>afterok</c> and <c>afterany</c>).</summary>
    public string ConditionName => Condition == DependencyCondition.Succeeded ? "ok" : "any";
}
