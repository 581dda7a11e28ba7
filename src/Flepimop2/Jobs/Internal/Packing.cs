namespace Flepimop2.Jobs.Internal;

/// <summary>
/// How a packed sweep is cut: N tasks, M to a scheduler task, make ⌈N / M⌉ slots; slot <c>s</c> runs the positions
/// <c>s·M</c> to <c>min(N, s·M + M) - 1</c>, one after another. With M = 1 a slot is a position.
/// </summary>
internal static class Packing
{
    /// <summary>How many slots <paramref name="tasks"/> tasks make, <paramref name="tasksPerJob"/> to a slot.</summary>
    public static int Slots(int tasks, int tasksPerJob) => (tasks / tasksPerJob) + (tasks % tasksPerJob == 0 ? 0 : 1);

    /// <summary>The slot that runs <paramref name="position"/>.</summary>
    public static int SlotOf(int position, int tasksPerJob) => position / tasksPerJob;

    /// <summary>The positions slot <paramref name="slot"/> runs, in order.</summary>
    public static IEnumerable<int> Positions(int slot, int tasks, int tasksPerJob) =>
        Enumerable.Range(slot * tasksPerJob, Math.Max(0, Math.Min(tasks, (slot * tasksPerJob) + tasksPerJob) - (slot * tasksPerJob)));

    /// <summary>
    /// A per-task time limit for a scheduler task that runs <paramref name="tasksPerJob"/> tasks one after another:
    /// multiplied, so that a pack of tasks each within the limit is not killed part way. No limit stays none.
    /// </summary>
    public static WallTime? PackedTime(WallTime? perTask, int tasksPerJob) =>
        perTask is { IsUnlimited: false } time && tasksPerJob > 1 ? WallTime.FromSeconds(time.TotalSeconds * tasksPerJob) : perTask;
}
