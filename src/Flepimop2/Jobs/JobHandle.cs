using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;

namespace Flepimop2.Jobs;

/// <summary>A reference to a submitted job, enough to ask its backend about it later.</summary>
public record JobHandle : JobSubmission
{
    private readonly DateTimeOffset _submittedAt;
    private readonly IReadOnlyDictionary<string, JsonNode?> _metadata = EmptyJson.Map;

    // What the metadata records beyond the backend's own, read once per metadata (a with-expression that changes it reads again).
    private Internal.SubmissionView? _view;

    /// <summary>Creates a handle.</summary>
    /// <param name="jobId">The backend's identifier for the job.</param>
    /// <param name="backend">The short name of the runner that produced it, for example <c>shell</c>.</param>
    /// <param name="submittedAt">When the job was submitted (by the runner's clock); kept in UTC, to the microsecond.</param>
    public JobHandle(string jobId, string backend, DateTimeOffset submittedAt)
    {
        JobId = jobId;
        Backend = backend;
        _submittedAt = IsoTime.Normalize(submittedAt);
    }

    /// <summary>Opaque token identifying the job on the backend (a Slurm id, a local id, ...).</summary>
    public string JobId { get; init; }

    /// <summary>The short name of the runner that produced this handle, for example <c>shell</c> or <c>slurm</c>.</summary>
    public string Backend { get; init; }

    /// <summary>When the job was submitted, in UTC, to the microsecond.</summary>
    public DateTimeOffset SubmittedAt
    {
        get => _submittedAt;
        init => _submittedAt = IsoTime.Normalize(value);
    }

    /// <summary>Backend-specific metadata (mode, pid, partition, ...), as JSON values.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Metadata
    {
        get => _metadata;
        init
        {
            _metadata = value;
            _view = null;
        }
    }

    /// <summary>
    /// Where the submission came from (configuration, git state, version, command, environment, script), recorded at
    /// submission under the handle JSON's <c>provenance</c>; null for records without it (the original's, older ones).
    /// </summary>
    public JobProvenance? Provenance { get; init; }

    /// <summary>The store key: <c>{backend}-{job_id}</c> with unsafe characters replaced.</summary>
    public string Key => JobKey.For(Backend, JobId);

    /// <summary>
    /// One line for a terminal: <c>{backend}-{job_id} submitted_at={yyyy-MM-ddTHH:mm:ss}</c>. Control characters in the
    /// backend or id (a hostile record) are written as escapes (<c>\x1b</c>, <c>\n</c>), so it is always one plain line.
    /// </summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        $"{Printable.Escape(Backend)}-{Printable.Escape(JobId)} submitted_at={IsoTime.FormatSeconds(SubmittedAt)}";

    /// <summary>The jobs this one waited for, as recorded at submission (metadata <c>after</c>); empty when none.</summary>
    public IReadOnlyList<JobDependency> After => View.After;

    /// <summary>
    /// The command this job ran, as recorded at submission (metadata <c>command</c>), exact enough to submit it again; null
    /// for a sweep (its tasks are in its task table) and for records that keep none (the original's, older ones).
    /// </summary>
    public ArgvCommand? RecordedCommand => View.Command;

    /// <summary>
    /// For a sweep, the index of each task in order (its <c>FLEPIMOP2_TASK_INDEX</c>: 0 to N - 1, or the first indices a
    /// retry of some tasks kept); null for an ordinary job.
    /// </summary>
    public IReadOnlyList<int>? SweepTaskIndices => View.Sweep?.TaskIndices;

    /// <summary>
    /// What the job runs, in a word, as recorded: the target of a step, the program of <c>job run</c>, the target every task
    /// of a sweep shares; null when the record does not say (a sweep over several targets, the original's records).
    /// </summary>
    public string? Target => View.Target(this);

    /// <summary>The key of the job this one tried again (metadata <c>retry_of</c>), or null.</summary>
    public string? RetryOf => MetadataText(Internal.SubmissionRecord.RetryOfKey);

    /// <summary>The key of the job that tried this one again (metadata <c>retried_as</c>, the latest), or null.</summary>
    public string? RetriedAs => MetadataText(Internal.SubmissionRecord.RetriedAsKey);

    /// <summary>How many tasks the job has when it is a sweep (from <c>metadata.sweep.tasks</c>); null for an ordinary job.</summary>
    public int? SweepSize => View.Sweep?.Tasks;

    /// <summary>What the metadata records of the submission, read once.</summary>
    internal Internal.SubmissionView View => _view ??= Internal.SubmissionView.Of(this);

    /// <summary>Gets a metadata value as a string, if present and a string or number.</summary>
    /// <param name="name">The metadata key.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public string? MetadataText(string name) => JsonText.Of(Metadata.GetValueOrDefault(name));
}
