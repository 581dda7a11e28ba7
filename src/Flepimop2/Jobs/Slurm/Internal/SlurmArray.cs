using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// One Slurm job array of a sweep: its job id, and which of the sweep's tasks it runs (<c>First</c> to
/// <c>First + Count - 1</c>, as array indices 0 to <c>Count - 1</c>). A sweep larger than the cluster's <c>MaxArraySize</c>
/// is several arrays.
/// </summary>
/// <param name="JobId">The array's job id, as <c>sbatch</c> gave it.</param>
/// <param name="First">The sweep task its index 0 runs.</param>
/// <param name="Count">How many tasks it runs.</param>
internal sealed record SlurmArray(string JobId, int First, int Count)
{
    public const string Key = "arrays";

    /// <summary>The id Slurm gives a task of this array: <c>{array}_{index}</c>.</summary>
    public string TaskId(int task) => string.Create(CultureInfo.InvariantCulture, $"{JobId}_{task - First}");

    public bool Holds(int task) => task >= First && task < First + Count;

    /// <summary>Splits a sweep of <paramref name="tasks"/> into arrays of at most <paramref name="maxArraySize"/> tasks (ids not known yet).</summary>
    public static IReadOnlyList<(int First, int Count)> Plan(int tasks, int maxArraySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArraySize, 1);
        var plan = new List<(int, int)>();
        for (var first = 0; first < tasks; first += maxArraySize)
        {
            plan.Add((first, Math.Min(maxArraySize, tasks - first)));
        }

        return plan;
    }

    /// <summary>
    /// The arrays a sweep's handle records; empty for a job that is not a Slurm sweep. An entry whose numbers no sweep can
    /// have (negative, or beyond <see cref="JobRequest.MaxTasks"/>) is left out, never wrapped around.
    /// </summary>
    public static IReadOnlyList<SlurmArray> Of(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Metadata.GetValueOrDefault(Key) is not JsonArray arrays)
        {
            return [];
        }

        var result = new List<SlurmArray>(arrays.Count);
        foreach (var item in arrays)
        {
            if (item is JsonObject array
                && JsonText.Of(array["job_id"]) is { } id && SbatchParser.IsJobId(id) && !id.Contains('_', StringComparison.Ordinal)
                && JsonText.Int64(array["first"]) is { } first && first is >= 0 and < JobRequest.MaxTasks
                && JsonText.Int64(array["count"]) is { } count && count is >= 1 and <= JobRequest.MaxTasks)
            {
                result.Add(new SlurmArray(id, (int)first, (int)count));
            }
        }

        return result;
    }

    public static JsonArray ToJson(IEnumerable<SlurmArray> arrays) =>
        [.. arrays.Select(a => (JsonNode?)new JsonObject { ["job_id"] = a.JobId, ["first"] = a.First, ["count"] = a.Count })];
}
