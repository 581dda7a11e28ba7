using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// A submission's predecessors on a scheduler, and what the handle records of them (metadata <c>after_job_ids</c>: each
/// predecessor's key and its scheduler job ids), so that status can name the predecessor a job waits for or failed by,
/// from the same batched calls that answer for the job.
/// </summary>
internal static class BatchPredecessors
{
    public const string MetadataKey = "after_job_ids";

    /// <summary>The predecessors of a request, each with the ids <paramref name="idsOf"/> finds in its record.</summary>
    public static IReadOnlyList<BatchPredecessor> From(JobRequest request, Func<JobHandle, IReadOnlyList<string>> idsOf)
    {
        return [.. request.After.Select(d => new BatchPredecessor(d.Key, d.Condition, d.Predecessor is { } p ? idsOf(p) : [], d.Predecessor is { } counted ? SweepInfo.Of(counted)?.Slots ?? 1 : 1))];
    }

    /// <summary>The ids by predecessor, for the handle.</summary>
    public static JsonObject ToMetadata(IEnumerable<BatchPredecessor> predecessors) =>
        new(predecessors.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonArray([.. p.JobIds.Select(id => (JsonNode?)id)]))));

    /// <summary>
    /// The ids by predecessor a handle records: a list each, or one id (as the Grid Engine runner first wrote them); keys
    /// without an id <paramref name="isJobId"/> takes are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Recorded(JobHandle handle, Func<string, bool> isJobId)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (handle.Metadata.GetValueOrDefault(MetadataKey) is not JsonObject map)
        {
            return result;
        }

        foreach (var (key, value) in map)
        {
            IEnumerable<string?> ids = value is JsonArray list ? list.Select(JsonText.Of) : [JsonText.Of(value)];
            var valid = ids.OfType<string>().Where(isJobId).ToList();
            if (valid.Count > 0)
            {
                result[key] = valid;
            }
        }

        return result;
    }

    /// <summary>
    /// Says why a job with predecessors waits, or ended without running: <paramref name="reading"/> tells what the
    /// scheduler's answer means, and <paramref name="failedIds"/> are the ids the same round saw fail.
    /// </summary>
    public static JobStatusResult Explain(JobStatusResult result, JobHandle handle, IReadOnlySet<string> failedIds, DependencyReading reading, string scheduler, Func<string, bool> isJobId)
    {
        var after = handle.After;
        if (after.Count == 0 || reading == DependencyReading.None)
        {
            return result;
        }

        var ids = Recorded(handle, isJobId);
        var failed = after
            .Where(a => a.Condition == DependencyCondition.Succeeded && ids.GetValueOrDefault(a.Key) is { } own && own.Any(failedIds.Contains))
            .Select(a => a.Key)
            .ToList();
        var explained = reading switch
        {
            DependencyReading.Waiting => $"waiting for {string.Join(", ", after.Select(a => a.Key))}",
            DependencyReading.NeverSatisfied => failed.Count > 0
                ? $"dependency {string.Join(", ", failed)} failed; {scheduler} ends this job without running it"
                : $"a dependency can never be satisfied; {scheduler} ends this job without running it",
            // None seen failing: one was cancelled, or deleted before it started, and left no record that it ended.
            _ => failed.Count > 0 ? $"dependency {string.Join(", ", failed)} failed (it did not run)"
                : $"dependency {string.Join(", ", MustSucceed(after))} did not succeed: it was cancelled or never ran (it did not run)",
        };
        if (explained is null)
        {
            return result;
        }

        var detail = new Dictionary<string, JsonNode?>(result.Detail.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())), StringComparer.Ordinal)
        {
            ["reason"] = explained,
        };
        return result with { Detail = detail };
    }

    /// <summary>The predecessors that had to succeed, or all of them when none had to (the scheduler then said more than flepimop2 asked).</summary>
    private static IEnumerable<string> MustSucceed(IReadOnlyList<JobDependency> after) =>
        (after.Any(a => a.Condition == DependencyCondition.Succeeded) ? after.Where(a => a.Condition == DependencyCondition.Succeeded) : after).Select(a => a.Key);
}
