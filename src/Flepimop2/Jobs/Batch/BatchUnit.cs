using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// One scheduler job of a sweep (a Slurm job array, a Grid Engine array job): its job id, and which of the sweep's positions
/// it runs (<see cref="First"/> to <see cref="First"/> + <see cref="Count"/> - 1, as its array indices 0 to
/// <see cref="Count"/> - 1). A sweep larger than the scheduler's largest array is several units.
/// </summary>
/// <param name="JobId">The unit's job id, as the scheduler gave it; empty while it is only planned.</param>
/// <param name="First">The sweep position its array index 0 runs.</param>
/// <param name="Count">How many positions it runs.</param>
internal sealed record BatchUnit(string JobId, int First, int Count)
{
    /// <summary>The handle's metadata key for its units (<c>arrays</c>, the name the Slurm runner first wrote).</summary>
    public const string Key = "arrays";

    /// <summary>Whether it runs the sweep position <paramref name="position"/>.</summary>
    public bool Holds(int position) => position >= First && position < First + Count;

    /// <summary>Splits <paramref name="tasks"/> positions into units of at most <paramref name="largest"/> (ids not known yet).</summary>
    public static IReadOnlyList<BatchUnit> Plan(int tasks, int largest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(largest, 1);
        var plan = new List<BatchUnit>();
        for (var first = 0; first < tasks; first += largest)
        {
            plan.Add(new BatchUnit(string.Empty, first, Math.Min(largest, tasks - first)));
        }

        return plan;
    }

    /// <summary>
    /// The units a handle records; an entry whose numbers no sweep can have (negative, or beyond
    /// <see cref="JobRequest.MaxTasks"/>) or whose id <paramref name="isJobId"/> refuses is left out, never wrapped around.
    /// </summary>
    public static IReadOnlyList<BatchUnit> Read(JobHandle handle, Func<string, bool> isJobId)
    {
        if (handle.Metadata.GetValueOrDefault(Key) is not JsonArray arrays)
        {
            return [];
        }

        var result = new List<BatchUnit>(arrays.Count);
        foreach (var item in arrays)
        {
            if (item is JsonObject array
                && JsonText.Of(array["job_id"]) is { } id && isJobId(id)
                && JsonText.Int64(array["first"]) is { } first && first is >= 0 and < JobRequest.MaxTasks
                && JsonText.Int64(array["count"]) is { } count && count is >= 1 and <= JobRequest.MaxTasks)
            {
                result.Add(new BatchUnit(id, (int)first, (int)count));
            }
        }

        return result;
    }

    /// <summary>The units as the handle records them.</summary>
    public static JsonArray ToJson(IEnumerable<BatchUnit> units) =>
        [.. units.Select(a => (JsonNode?)new JsonObject { ["job_id"] = a.JobId, ["first"] = a.First, ["count"] = a.Count })];
}
