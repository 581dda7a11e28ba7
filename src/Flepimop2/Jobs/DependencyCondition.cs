namespace Flepimop2.Jobs;

/// <summary>When a job that waits for another may start.</summary>
public enum DependencyCondition
{
    /// <summary>Only once the other succeeded (every task of a sweep); if it fails, the waiting job ends failed without running.</summary>
    Succeeded,

    /// <summary>Once the other has ended, however it ended.</summary>
    Ended,
}
