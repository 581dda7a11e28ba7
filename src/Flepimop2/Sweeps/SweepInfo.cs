using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Sweeps;

/// <summary>
/// What a sweep's handle records about the sweep, in its metadata under <c>sweep</c>: how many tasks, and at most how many
/// at once. Both backends write and read it the same way.
/// </summary>
/// <param name="Tasks">How many tasks.</param>
/// <param name="MaxParallel">At most this many at once, or null.</param>
internal sealed record SweepInfo(int Tasks, int? MaxParallel)
{
    public const string Key = "sweep";

    /// <summary>The sweep a handle records, or null for an ordinary job (or a record that does not say a usable size).</summary>
    public static SweepInfo? Of(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Metadata.GetValueOrDefault(Key) is not JsonObject sweep
            || JsonText.Int64(sweep["tasks"]) is not { } tasks
            || tasks is < 1 or > JobRequest.MaxTasks)
        {
            return null;
        }

        var max = JsonText.Int64(sweep["max_parallel"]);
        return new SweepInfo((int)tasks, max is >= 1 and <= int.MaxValue ? (int)max : null);
    }

    public JsonObject ToJson() => new() { ["tasks"] = Tasks, ["max_parallel"] = MaxParallel };
}
