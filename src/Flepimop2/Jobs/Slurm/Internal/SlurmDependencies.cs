using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// A submission's predecessors as Slurm takes them: <c>--dependency=afterok:ID:ID,afterany:ID</c> with every job id of each
/// predecessor (all the arrays of a sweep), and <c>--kill-on-invalid-dep=yes</c>, so that a job whose predecessor failed
/// is ended by Slurm instead of waiting forever. The handle records the ids by predecessor (metadata
/// <c>after_job_ids</c>), so that status can name the predecessor a job waits for or failed by, from the same batched
/// calls that answer for the job.
/// </summary>
/// <param name="Items">Each predecessor: its key, the condition, and its Slurm job ids.</param>
/// <param name="Own">The user's own <c>dependency</c> sbatch option, which a command-line option would otherwise replace.</param>
internal sealed record SlurmDependencies(IReadOnlyList<(string Key, DependencyCondition Condition, IReadOnlyList<string> Ids)> Items, string? Own)
{
    public const string MetadataKey = "after_job_ids";

    /// <summary>Whether anything must be waited for (predecessors, or the user's own dependency).</summary>
    public bool Any => Items.Count > 0 || Own is not null;

    public static SlurmDependencies From(JobRequest request, SlurmJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var items = request.After
            .Select(d => (d.Predecessor.Key, d.Condition, Ids: IdsOf(d.Predecessor)))
            .ToList();
        return new SlurmDependencies(items, options.SbatchOptions.GetValueOrDefault("dependency") is { Length: > 0 } own ? own : null);
    }

    /// <summary>Every Slurm job id of a predecessor: a sweep's arrays, or the job's own id; none when the record has no usable id.</summary>
    public static IReadOnlyList<string> IdsOf(JobHandle predecessor)
    {
        ArgumentNullException.ThrowIfNull(predecessor);
        if (predecessor.SweepSize is not null)
        {
            return [.. SlurmArray.Of(predecessor).Select(a => a.JobId)];
        }

        return SbatchParser.IsJobId(predecessor.JobId) && !predecessor.JobId.Contains('_', StringComparison.Ordinal) ? [predecessor.JobId] : [];
    }

    /// <summary>What makes a submission with these predecessors impossible, each naming the predecessor or the option.</summary>
    public IEnumerable<ValidationIssue> Problems()
    {
        foreach (var (key, _, ids) in Items.Where(i => i.Ids.Count == 0))
        {
            yield return new ValidationIssue($"{key} has no Slurm job id on record to wait for", "invalid_dependency", new Dictionary<string, string> { ["after"] = key });
        }

        if (Items.Count > 0 && Own is { } own && own.Contains('?', StringComparison.Ordinal))
        {
            yield return new ValidationIssue(
                $"sbatch-options.dependency '{own}' uses '?' (any of), which cannot be combined with the jobs this one runs after; use ',' in it",
                "invalid_option",
                new Dictionary<string, string> { ["sbatch-options.dependency"] = own })
            { Field = "sbatch-options.dependency" };
        }
    }

    /// <summary>
    /// The <c>--dependency</c> value: the user's own, then <c>afterok</c> and <c>afterany</c> lists (with
    /// <paramref name="previousArray"/>, the array of the same sweep this one waits for); null when there is nothing to add
    /// to the script's own directive.
    /// </summary>
    public string? Text(string? previousArray = null)
    {
        if (Items.Count == 0 && previousArray is null)
        {
            return null;
        }

        var parts = new List<string>();
        if (Own is { } own)
        {
            parts.Add(own);
        }

        var ok = Items.Where(i => i.Condition == DependencyCondition.Succeeded).SelectMany(i => i.Ids).Distinct(StringComparer.Ordinal).ToList();
        var any = Items.Where(i => i.Condition == DependencyCondition.Ended).SelectMany(i => i.Ids)
            .Concat(previousArray is null ? [] : [previousArray]).Distinct(StringComparer.Ordinal).ToList();
        if (ok.Count > 0)
        {
            parts.Add("afterok:" + string.Join(':', ok));
        }

        if (any.Count > 0)
        {
            parts.Add("afterany:" + string.Join(':', any));
        }

        return parts.Count == 0 ? null : string.Join(',', parts);
    }

    /// <summary>The ids by predecessor, for the handle.</summary>
    public JsonObject ToMetadata() =>
        new(Items.Select(i => KeyValuePair.Create(i.Key, (JsonNode?)new JsonArray([.. i.Ids.Select(id => (JsonNode?)id)]))));

    /// <summary>The ids by predecessor a handle records (keys without usable ids are left out).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Recorded(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (handle.Metadata.GetValueOrDefault(MetadataKey) is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                if (value is JsonArray ids)
                {
                    var valid = ids.Select(JsonText.Of).OfType<string>().Where(SbatchParser.IsJobId).ToList();
                    if (valid.Count > 0)
                    {
                        result[key] = valid;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Says why a job with predecessors waits or did not run: a job pending on <c>Dependency</c> waits for the named
    /// predecessors, and a job Slurm cancelled without running it after a predecessor that had to succeed failed, ended by
    /// that dependency. <paramref name="failedIds"/> are the ids (array ids for array tasks) that the same calls showed failed.
    /// </summary>
    public static JobStatusResult Explain(JobStatusResult result, JobHandle handle, IReadOnlySet<string> failedIds)
    {
        ArgumentNullException.ThrowIfNull(result);
        var after = handle.After;
        if (after.Count == 0)
        {
            return result;
        }

        var reason = JsonText.Of(result.Detail.GetValueOrDefault("reason"));
        var state = JsonText.Of(result.Detail.GetValueOrDefault("state"));
        var ids = Recorded(handle);
        var failed = after.Where(a => a.Condition == DependencyCondition.Succeeded && ids.GetValueOrDefault(a.Key) is { } own && own.Any(failedIds.Contains))
            .Select(a => a.Key).ToList();
        string? explained = null;
        if (result.Status == JobStatus.Pending && reason == "Dependency")
        {
            explained = $"waiting for {string.Join(", ", after.Select(a => a.Key))}";
        }
        else if (result.Status == JobStatus.Pending && reason == "DependencyNeverSatisfied")
        {
            explained = failed.Count > 0
                ? $"dependency {string.Join(", ", failed)} failed; Slurm ends this job without running it"
                : "a dependency can never be satisfied; Slurm ends this job without running it";
        }
        else if (result.Status == JobStatus.Failed && state == "CANCELLED" && failed.Count > 0 && !Ran(result))
        {
            explained = $"dependency {string.Join(", ", failed)} failed (it did not run)";
        }

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

    /// <summary>The ids that failed among rows of the tools' answers, each as its job's own id (an array task's array).</summary>
    public static HashSet<string> FailedIds(params IEnumerable<SlurmJobRow>[] rows)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.SelectMany(r => r))
        {
            if (!row.FromRange && SlurmStates.Map(row.State) is JobStatus.Failed)
            {
                var underscore = row.JobId.IndexOf('_', StringComparison.Ordinal);
                failed.Add(underscore < 0 ? row.JobId : row.JobId[..underscore]);
            }
        }

        return failed;
    }

    private static bool Ran(JobStatusResult result) =>
        JsonText.Of(result.Detail.GetValueOrDefault("elapsed")) is { } elapsed && elapsed.Any(c => c is >= '1' and <= '9');
}
