using Flepimop2.Internal;
using Flepimop2.Jobs.Batch;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// A submission's predecessors as Slurm takes them: <c>--dependency=afterok:ID:ID,afterany:ID</c> with every job id of each
/// predecessor (all the arrays of a sweep), and <c>--kill-on-invalid-dep=yes</c>, so that a job whose predecessor failed is
/// ended by Slurm instead of waiting forever; and what Slurm's answers say of them.
/// </summary>
internal static class SlurmDependencies
{
    /// <summary>The user's own <c>dependency</c> sbatch option, which a command-line option would otherwise replace.</summary>
    public static string? Own(SlurmJobOptions options) =>
        options.SbatchOptions.GetValueOrDefault("dependency") is { Length: > 0 } own ? own : null;

    /// <summary>What makes a submission with these predecessors impossible, naming the option.</summary>
    public static IEnumerable<ValidationIssue> Problems(JobRequest request, SlurmJobOptions options)
    {
        if (request.After.Count > 0 && Own(options) is { } own && own.Contains('?', StringComparison.Ordinal))
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
    public static string? Text(IReadOnlyList<BatchPredecessor> predecessors, string? own, string? previousArray = null)
    {
        if (predecessors.Count == 0 && previousArray is null)
        {
            return null;
        }

        var parts = new List<string>();
        if (own is not null)
        {
            parts.Add(own);
        }

        var ok = predecessors.Where(i => i.Condition == DependencyCondition.Succeeded).SelectMany(i => i.JobIds).Distinct(StringComparer.Ordinal).ToList();
        var any = predecessors.Where(i => i.Condition == DependencyCondition.Ended).SelectMany(i => i.JobIds)
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

    /// <summary>
    /// What Slurm's answer about a job with predecessors says of them: pending on <c>Dependency</c>, it waits; on
    /// <c>DependencyNeverSatisfied</c>, Slurm will end it; cancelled without having run, a dependency ended it.
    /// </summary>
    public static DependencyReading Read(JobStatusResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var reason = JsonText.Of(result.Detail.GetValueOrDefault("reason"));
        return result.Status switch
        {
            JobStatus.Pending when reason == "Dependency" => DependencyReading.Waiting,
            JobStatus.Pending when reason == "DependencyNeverSatisfied" => DependencyReading.NeverSatisfied,
            JobStatus.Failed when JsonText.Of(result.Detail.GetValueOrDefault("state")) == "CANCELLED" && !Ran(result) => DependencyReading.EndedUnrun,
            _ => DependencyReading.None,
        };
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
