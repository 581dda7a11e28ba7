namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>A job this one waits for, as Grid Engine and the job's own start-up check see it.</summary>
/// <param name="Key">The predecessor's key, for messages.</param>
/// <param name="JobId">Its Grid Engine job id.</param>
/// <param name="Tasks">How many tasks must have succeeded: its sweep's size, or 1 for an ordinary job.</param>
/// <param name="Condition">Whether it must succeed, or only end.</param>
internal sealed record GridEnginePredecessor(string Key, string JobId, int Tasks, DependencyCondition Condition);
