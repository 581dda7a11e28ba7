namespace Flepimop2.Jobs.Batch;

/// <summary>How a sweep's script finds its task.</summary>
/// <param name="PositionCode">Lines that check the scheduler's task variables and set <c>flepimop2_task</c> to the task's position in the sweep.</param>
/// <param name="Table">The task table, absolute, where the node can read it.</param>
/// <param name="TaskCount">The <c>FLEPIMOP2_TASK_COUNT</c> the tasks see.</param>
internal sealed record BatchScriptSweep(string PositionCode, string Table, int TaskCount)
{
    /// <summary>How many tasks the submission runs (positions 0 to this - 1).</summary>
    public int Tasks { get; init; }

    /// <summary>How many tasks each array task runs, one after another; above 1 the position code gives the array task's slot.</summary>
    public int TasksPerJob { get; init; } = 1;
}
