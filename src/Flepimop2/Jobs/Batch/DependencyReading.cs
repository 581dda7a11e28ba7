namespace Flepimop2.Jobs.Batch;

/// <summary>What a scheduler's answer about a job with predecessors says of them.</summary>
internal enum DependencyReading
{
    /// <summary>Nothing about its predecessors.</summary>
    None,

    /// <summary>It waits for them.</summary>
    Waiting,

    /// <summary>It waits for one that can never be satisfied; the scheduler will end it without running it.</summary>
    NeverSatisfied,

    /// <summary>It ended, without running, because of one of them.</summary>
    EndedUnrun,
}
