namespace Flepimop2.Jobs.Batch;

/// <summary>A job a submission waits for, as its scheduler sees it.</summary>
/// <param name="Key">The predecessor's key, for messages.</param>
/// <param name="Condition">Whether it must succeed, or only end.</param>
/// <param name="JobIds">Its scheduler job ids: a sweep's units', or the job's own.</param>
/// <param name="Tasks">How many scheduler tasks it has: its sweep's array tasks (a packed sweep's slots), or 1.</param>
internal sealed record BatchPredecessor(string Key, DependencyCondition Condition, IReadOnlyList<string> JobIds, int Tasks);
