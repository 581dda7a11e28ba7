namespace Flepimop2.Jobs.Internal;

/// <summary>What a request must hold up to whatever runner takes it: a sweep's size, indices and limit, and predecessors on the same backend.</summary>
internal static class RequestChecks
{
    public static IEnumerable<ValidationIssue> Problems(JobRequest request, string backend)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Tasks is { } tasks && (tasks.Count is 0 or > JobRequest.MaxTasks))
        {
            yield return new ValidationIssue($"a sweep has from 1 to {JobRequest.MaxTasks} tasks, got {tasks.Count}", "invalid_sweep");
        }

        foreach (var predecessor in request.After.Select(d => d.Handle).Where(p => p.Backend != backend))
        {
            yield return new ValidationIssue(
                $"{predecessor.Key} is a {predecessor.Backend} job; a {backend} job can only wait for {backend} jobs",
                "invalid_dependency",
                new Dictionary<string, string> { ["after"] = predecessor.Key });
        }

        if (request.TaskIndices is { } indices
            && (request.Tasks is null || indices.Count != request.Tasks.Count || indices.Any(i => i < 0 || i >= (request.TaskCount ?? JobRequest.MaxTasks)) || indices.Distinct().Count() != indices.Count))
        {
            yield return new ValidationIssue("a sweep's task indices must name each task once, from 0 and below its task count", "invalid_sweep");
        }

        if (request.TaskCount is < 1 or > JobRequest.MaxTasks)
        {
            yield return new ValidationIssue($"a sweep's task count is from 1 to {JobRequest.MaxTasks}, got {request.TaskCount}", "invalid_sweep");
        }

        if (request.TasksPerJob is < 1 or > JobRequest.MaxTasks)
        {
            yield return new ValidationIssue($"tasks per job are from 1 to {JobRequest.MaxTasks}, got {request.TasksPerJob}", "invalid_sweep") { Field = "tasks-per-job" };
        }

        if (request.MaxParallel is < 1)
        {
            yield return new ValidationIssue($"at most {request.MaxParallel} tasks at once would run none; give 1 or more", "invalid_sweep") { Field = "max-parallel" };
        }
    }
}
