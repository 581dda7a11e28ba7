namespace Flepimop2.Jobs.Batch;

/// <summary>
/// What one status round of a scheduler found (its queue and its accounting, asked once for many jobs), able to decide any
/// job or array task it was asked about. Pure once built: the tools have already been asked.
/// </summary>
internal interface IBatchStatusRound
{
    /// <summary>The ids (a job's own, or the unit of an array task) that the round saw fail.</summary>
    IReadOnlySet<string> FailedJobIds { get; }

    /// <summary>A remark for every answer about this job (for example that its cluster keeps no accounting), or null.</summary>
    string? NoteFor(JobHandle handle);

    /// <summary>The status of one job or array task, as an ordinary job; for an id the round has no line of, by its age.</summary>
    /// <param name="handle">The job (a sweep's handle for one of its tasks).</param>
    /// <param name="id">The scheduler's id of the job or task.</param>
    JobStatusResult Resolve(JobHandle handle, string id);

    /// <summary>Whether the round has a line of its own for this job or task.</summary>
    bool Has(JobHandle handle, string id);

    /// <summary>Whether the round has any line of the unit (one of its tasks, or a range of them).</summary>
    bool Knows(JobHandle handle, BatchUnit unit);

    /// <summary>Whether some task of the unit is still in the scheduler's queue.</summary>
    bool IsLive(JobHandle handle, BatchUnit unit);
}
