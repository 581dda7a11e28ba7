using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// What a finished job's detail advises asking for next time (its <see cref="JobDetailKeys.Retry"/> entry), as every
/// scheduler backend writes it.
/// </summary>
internal static class RetryAdvice
{
    /// <summary>The memory to ask for after reaching <paramref name="reachedBytes"/>: the next power of two above; null for nothing reached.</summary>
    public static JsonObject? Memory(long reachedBytes) =>
        reachedBytes > 0 ? new JsonObject { [JobDetailKeys.RetryMemory] = ByteSizes.NextPowerOfTwoAbove(reachedBytes) } : null;

    /// <summary>
    /// A sweep's advice: the most memory and the longest time any of its tasks' advice names (a task that ran out of memory
    /// and one that ran out of time give both); null when no task has advice.
    /// </summary>
    public static JsonObject? Largest(IEnumerable<IReadOnlyDictionary<string, JsonNode?>> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        MemoryRequest? memory = null;
        WallTime? time = null;
        foreach (var detail in details)
        {
            if (detail.GetValueOrDefault(JobDetailKeys.Retry) is not JsonObject retry)
            {
                continue;
            }

            if (MemoryRequest.TryParse(JsonText.Of(retry[JobDetailKeys.RetryMemory]), out var m) && (memory is not { } known || m.Bytes > known.Bytes))
            {
                memory = m;
            }

            if (WallTime.TryParse(JsonText.Of(retry[JobDetailKeys.RetryTime]), out var t) && !t.IsUnlimited && (time is not { } longest || t.TotalSeconds > longest.TotalSeconds))
            {
                time = t;
            }
        }

        if (memory is null && time is null)
        {
            return null;
        }

        var advice = new JsonObject();
        if (memory is { } most)
        {
            advice[JobDetailKeys.RetryMemory] = most.ToString();
        }

        if (time is { } limit)
        {
            advice[JobDetailKeys.RetryTime] = limit.ToString();
        }

        return advice;
    }
}
