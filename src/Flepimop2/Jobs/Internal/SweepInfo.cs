using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// What a sweep's handle records about the sweep, in its metadata under <c>sweep</c>: how many tasks, at most how many at
/// once, and, for a retry of some tasks of another sweep, the task index each runs with (<c>indices</c>) and the size of
/// that sweep (<c>task_count</c>). Tasks are named by their task index everywhere a user sees them; a backend works with
/// positions (0 to <see cref="Tasks"/> - 1). Every runner writes and reads it the same way.
/// </summary>
/// <param name="Tasks">How many tasks.</param>
/// <param name="MaxParallel">At most this many at once, or null.</param>
internal sealed record SweepInfo(int Tasks, int? MaxParallel)
{
    public const string Key = "sweep";

    /// <summary>Each position's task index; null when they are the same.</summary>
    public IReadOnlyList<int>? Indices { get; init; }

    /// <summary>The <c>FLEPIMOP2_TASK_COUNT</c> the tasks see; <see cref="Tasks"/> when null.</summary>
    public int? TaskCount { get; init; }

    /// <summary>The target every task runs, when they share one; null for tasks of several targets, or programs.</summary>
    public string? Target { get; init; }

    /// <summary>How many tasks each scheduler task runs one after another (<c>tasks_per_job</c>, written only above 1).</summary>
    public int TasksPerJob { get; init; } = 1;

    /// <summary>How many scheduler tasks (array tasks, or a shell sweep's slots) run the sweep: ⌈<see cref="Tasks"/> / <see cref="TasksPerJob"/>⌉.</summary>
    public int Slots => Packing.Slots(Tasks, TasksPerJob);

    /// <summary>The sweep a request asks for, packed <paramref name="tasksPerJob"/> tasks to a scheduler task.</summary>
    public static SweepInfo Of(JobRequest request, int? maxParallel, int tasksPerJob = 1)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tasks = request.Tasks ?? throw new ArgumentException("the request is not a sweep", nameof(request));
        var targets = tasks.Select(t => t.Target).Distinct(StringComparer.Ordinal).ToList();
        return new SweepInfo(tasks.Count, maxParallel)
        {
            Indices = request.TaskIndices,
            TaskCount = request.TaskCount,
            Target = targets is [{ } target] ? target : null,
            TasksPerJob = tasksPerJob,
        };
    }

    /// <summary>The sweep a handle records, or null for an ordinary job (or a record that does not say a usable size); read once per handle.</summary>
    public static SweepInfo? Of(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.View.Sweep;
    }

    /// <summary>Reads the sweep a handle's metadata records (see <see cref="Of(JobHandle)"/>).</summary>
    public static SweepInfo? Read(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Metadata.GetValueOrDefault(Key) is not JsonObject sweep
            || JsonText.Int64(sweep["tasks"]) is not { } tasks
            || tasks is < 1 or > JobRequest.MaxTasks)
        {
            return null;
        }

        var max = JsonText.Int64(sweep["max_parallel"]);
        var count = JsonText.Int64(sweep["task_count"]);
        var packed = JsonText.Int64(sweep["tasks_per_job"]);
        IReadOnlyList<int>? indices = null;
        if (sweep["indices"] is JsonArray list)
        {
            var read = list.Select(i => JsonText.Int64(i)).ToList();
            if (read.Count != tasks || read.Any(i => i is not (>= 0 and < JobRequest.MaxTasks)) || read.Distinct().Count() != read.Count)
            {
                // Indices that do not name each task once cannot be trusted for any.
                return null;
            }

            indices = [.. read.Select(i => (int)i!.Value)];
        }

        return new SweepInfo((int)tasks, max is >= 1 and <= int.MaxValue ? (int)max : null)
        {
            Indices = indices,
            TaskCount = count is >= 1 and <= JobRequest.MaxTasks ? (int)count : null,
            Target = JsonText.Of(sweep["target"]),

            // A damaged figure is not guessed at: the record reads as unpacked, whose tasks then find no record of their own.
            TasksPerJob = packed is >= 1 and <= JobRequest.MaxTasks ? (int)packed : 1,
        };
    }

    /// <summary>The task index of a position.</summary>
    public int IndexOf(int position) => Indices?[position] ?? position;

    /// <summary>The position of a task index, or null when the sweep has no such task.</summary>
    public int? PositionOf(int index)
    {
        if (Indices is null)
        {
            return index >= 0 && index < Tasks ? index : null;
        }

        for (var i = 0; i < Indices.Count; i++)
        {
            if (Indices[i] == index)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>Every task index, in position order.</summary>
    public IReadOnlyList<int> TaskIndices => Indices ?? [.. Enumerable.Range(0, Tasks)];

    /// <summary>A status whose tasks are numbered by position, renumbered by task index.</summary>
    public JobStatusResult Relabel(JobStatusResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Indices is null || result.Sweep is not { } sweep
            ? result
            : result with { Sweep = new SweepStatus([.. sweep.Tasks.Select(t => t with { Index = IndexOf(t.Index) })]) };
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["tasks"] = Tasks, ["max_parallel"] = MaxParallel };
        if (Indices is not null)
        {
            json["indices"] = new JsonArray([.. Indices.Select(i => (JsonNode?)i)]);
        }

        if (TaskCount is { } count)
        {
            json["task_count"] = count;
        }

        if (Target is { } target)
        {
            json["target"] = target;
        }

        if (TasksPerJob > 1)
        {
            json["tasks_per_job"] = TasksPerJob;
        }

        return json;
    }
}
