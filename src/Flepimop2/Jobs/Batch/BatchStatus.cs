using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// A status round of a scheduler, the same for every one: the handles' ids (a job's own, a sweep's units') and their
/// predecessors' are asked about in one round of the scheduler's tools; each job is then decided from the round's lines and
/// explained by its predecessors, and a sweep task by task, as ordinary jobs named by their array task ids.
/// </summary>
internal static class BatchStatus
{
    public static async Task<IReadOnlyList<JobStatusResult>> RoundAsync(BatchJobRunner runner, IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken)
    {
        var results = new JobStatusResult[handles.Count];
        var asked = new List<(JobHandle Handle, IReadOnlyList<string> Ids)>();
        var positions = new List<int>();
        for (var i = 0; i < handles.Count; i++)
        {
            var handle = handles[i];
            if (runner.QueryIds(handle) is { Count: > 0 } ids)
            {
                asked.Add((handle, ids));
                positions.Add(i);
                continue;
            }

            var reason = handle.SweepSize is null
                ? $"'{handle.JobId}' is not a {runner.Scheduler} job id"
                : $"the sweep's record names none of its {runner.UnitWord}s (metadata.{BatchUnit.Key} is missing or damaged)";
            results[i] = new JobStatusResult(handle, JobStatus.FinishedUnknown) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = reason } };
        }

        if (asked.Count == 0)
        {
            return results;
        }

        // A job's predecessors are asked about in the same round, so that status can say which one it waits for or failed by.
        var predecessors = asked
            .SelectMany(a => BatchPredecessors.Recorded(a.Handle, runner.IsJobId).Values.SelectMany(ids => ids))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var round = await runner.QueryAsync(new BatchQuery(asked, predecessors), cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < asked.Count; k++)
        {
            var handle = asked[k].Handle;
            results[positions[k]] = handle.SweepSize is { } size
                ? Sweep(runner, handle, size, round)
                : runner.Explain(Decide(runner, handle, handle.JobId, round, BatchRecord.Of(handle).ExitRecordPath(null)), handle, round);
        }

        return results;
    }

    /// <summary>A job or task as the scheduler's answer and its exit record decide it together (see <see cref="ExitRecordMerge"/>).</summary>
    private static JobStatusResult Decide(BatchJobRunner runner, JobHandle handle, string id, IBatchStatusRound round, string? recordPath)
    {
        var scheduler = round.Resolve(handle, id);
        var listed = round.Has(handle, id);

        // A job still waiting has no record to read.
        return listed && !scheduler.Status.IsFinished()
            ? scheduler
            : ExitRecordMerge.Merge(scheduler, listed, ExitRecord.Read(recordPath), runner.EndedByScheduler(scheduler));
    }

    /// <summary>A task of a packed sweep: its array task's answer, its own exit record and its cancel mark (see <see cref="PackedTaskStatus"/>).</summary>
    private static JobStatusResult Packed(BatchJobRunner runner, JobHandle handle, BatchUnit unit, int arrayIndex, string id, IBatchStatusRound round, BatchRecord record, int position, int tasksPerJob)
    {
        var listed = round.Has(handle, id);
        var element = !listed && round.Knows(handle, unit)
            ? runner.MissingTask(handle, unit, arrayIndex, id, false)
            : runner.Explain(round.Resolve(handle, id), handle, round);
        var cancelled = record.RunDirectory is { } run && File.Exists(ExitRecording.CancelMark(run, position));
        return PackedTaskStatus.Decide(element, listed, ExitRecord.Read(record.ExitRecordPath(position)), cancelled, runner.EndedByScheduler(element), id, runner.Scheduler, tasksPerJob);
    }

    /// <summary>Each task of a sweep decided as an ordinary job named by its array task id, then the whole.</summary>
    private static JobStatusResult Sweep(BatchJobRunner runner, JobHandle handle, int size, IBatchStatusRound round)
    {
        var units = runner.Units(handle);
        var record = BatchRecord.Of(handle);
        var tasksPerJob = BatchJobRunner.TasksPerJob(handle);
        var tasks = new SweepTaskStatus[size];
        for (var position = 0; position < size; position++)
        {
            var slot = Packing.SlotOf(position, tasksPerJob);
            if (units.FirstOrDefault(u => u.Holds(slot)) is not { } unit)
            {
                tasks[position] = new SweepTaskStatus(position, JobStatus.FinishedUnknown)
                {
                    Detail = new Dictionary<string, JsonNode?> { ["reason"] = $"the sweep's record names no {runner.UnitWord} that runs this task" },
                };
                continue;
            }

            var arrayIndex = runner.ArrayIndex(unit, slot);
            var id = runner.TaskId(unit.JobId, arrayIndex);
            var recordPath = record.ExitRecordPath(position);
            var result = tasksPerJob > 1
                ? Packed(runner, handle, unit, arrayIndex, id, round, record, position, tasksPerJob)
                : !round.Has(handle, id) && round.Knows(handle, unit)
                ? ExitRecordMerge.Merge(runner.MissingTask(handle, unit, arrayIndex, id, round.IsLive(handle, unit) && recordPath is null), false, ExitRecord.Read(recordPath), false)
                : runner.Explain(Decide(runner, handle, id, round, recordPath), handle, round);
            tasks[position] = new SweepTaskStatus(position, result.Status)
            {
                BackendId = id,
                ExitCode = result.Status.IsFinished() && JsonText.Int64(result.Detail.GetValueOrDefault("exit_code")) is { } code ? (int)code : null,
                Detail = result.Detail,
            };
        }

        var sweep = new SweepStatus(tasks);
        var detail = runner.SweepDetail(handle, units);
        if (RetryAdvice.Largest(tasks.Where(t => t.Status.IsFinished()).Select(t => t.Detail)) is { } retry)
        {
            detail[JobDetailKeys.Retry] = retry;
        }

        if (round.NoteFor(handle) is { } note)
        {
            detail["note"] = note;
        }

        var whole = new JobStatusResult(handle, sweep.Overall) { Detail = detail, Sweep = sweep };
        return SweepInfo.Of(handle) is { } info ? info.Relabel(whole) : whole;
    }
}
