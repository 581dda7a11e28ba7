using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// The base of the runners that hand batch scripts to a cluster scheduler through its command-line tools
/// (<see cref="Slurm.SlurmJobRunner"/>, <see cref="GridEngine.GridEngineJobRunner"/>). It owns the whole flow once for every
/// scheduler: the script and the task table, the dry run, the submission of a sweep as one or more array jobs (undone if
/// part of it is refused), the handle's record, the batched status round with each task of a sweep decided as an ordinary
/// job, cancel, and the log files. A scheduler supplies only its pieces: its directives and submit command line, how it
/// numbers array tasks, its status query, and its state table.
/// </summary>
/// <remarks>
/// It is not an extension point: its pieces are internal, so only this library's runners derive from it. A backend of your
/// own derives from <see cref="JobRunner"/> and registers itself with <see cref="Configuration.JobRunners.Register(string, Func{JsonObject, JobRunner})"/>.
/// </remarks>
public abstract class BatchJobRunner : JobRunner
{
    private readonly BatchRunnerParts _parts;

    private protected BatchJobRunner(BatchRunnerParts parts)
    {
        _parts = parts;
    }

    /// <summary>
    /// How long after submission a job that the scheduler neither lists nor has accounted for still counts as pending (the
    /// controller or the accounting may not have it yet). After it, such a job is <c>finished_unknown</c>.
    /// </summary>
    public TimeSpan SubmissionGraceWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one call of a scheduler tool may take before it is stopped and the operation fails.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    public override string? Executable => BatchOptions.Executable;

    /// <summary>The configured executable (a path made absolute, a bare name left to the node) or this program.</summary>
    internal override IReadOnlyList<string> ProgramPrefix(JobRequest request) => BatchScript.ProgramPrefix(request, BatchOptions.Executable);

    /// <summary>The clock for timestamps, back-off and the grace window.</summary>
    internal TimeProvider Clock => _parts.Clock;

    /// <summary>What this runner was built with beside its options.</summary>
    private protected BatchRunnerParts Parts => _parts;

    /// <summary>Runs the scheduler's tools.</summary>
    internal IProcessRunner Processes => _parts.Processes;

    /// <summary>The options every scheduler runner has.</summary>
    internal abstract BatchJobOptions BatchOptions { get; }

    /// <summary>The scheduler's name in messages: <c>Slurm</c>, <c>Grid Engine</c>.</summary>
    internal abstract string Scheduler { get; }

    /// <summary>What the scheduler calls one job of a sweep, for messages: <c>job array</c>, <c>array job</c>.</summary>
    internal abstract string UnitWord { get; }

    /// <summary>The tool that submits (<c>sbatch</c>, <c>qsub</c>).</summary>
    internal abstract string SubmitTool { get; }

    /// <summary>The submit tool's option that holds a job until it is released (<c>--hold</c>, <c>-h</c>).</summary>
    internal abstract string HoldOption { get; }

    /// <summary>The tool that releases a held job (<c>scontrol release</c>, <c>qrls</c>), for checks and messages.</summary>
    internal abstract string ReleaseTool { get; }

    /// <summary>Releases jobs submitted with <see cref="HoldOption"/>, in one call.</summary>
    internal abstract Task ReleaseJobsAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken);

    /// <summary>The tools status and cancel need.</summary>
    internal abstract IReadOnlyList<string> StatusTools { get; }

    /// <summary>How a user finds and cancels the jobs of a sweep whose record lost them, for a message.</summary>
    internal abstract string FindJobsHint { get; }

    /// <summary>The tool that cancels a job (<c>scancel</c>, <c>qdel</c>), for a message.</summary>
    internal abstract string CancelTool { get; }

    /// <summary>Whether a sweep's record without units is one unit with the handle's id (as the Grid Engine runner first recorded sweeps).</summary>
    internal virtual bool InfersUnits => false;

    /// <summary>The script lines that find a sweep task's position in the sweep (<c>flepimop2_task</c>) from the scheduler's variables.</summary>
    internal abstract string SweepPositionCode { get; }

    /// <summary>Whether <paramref name="id"/> can be one of the scheduler's job ids.</summary>
    internal abstract bool IsJobId(string id);

    /// <summary>The job's name on the scheduler, from its commands.</summary>
    internal abstract string JobName(IReadOnlyList<CliCommand> commands);

    /// <summary>Where the job's output goes, as the scheduler's patterns.</summary>
    internal abstract BatchLogs LogPatterns(BatchSubmission submission);

    /// <summary>The script's directive lines; none when every option goes on the submit command line.</summary>
    internal abstract IReadOnlyList<string> Directives(BatchSubmission submission, BatchLogs logs);

    /// <summary>Lines the script runs before the pre-commands (a check of the predecessors); empty by default.</summary>
    internal virtual string Checks(BatchSubmission submission) => string.Empty;

    /// <summary>How a sweep is cut into scheduler jobs; by default one, whatever its size.</summary>
    /// <returns>The units (without ids), and a note for a dry run when the plan had to assume something.</returns>
    internal virtual Task<(IReadOnlyList<BatchUnit> Units, string? Note)> PlanAsync(BatchSubmission submission, CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<BatchUnit>, string?)>(([new BatchUnit(string.Empty, 0, submission.Slots)], null));

    /// <summary>The submit tool's command line: for one job (<paramref name="unit"/> null), or one unit of a sweep.</summary>
    /// <param name="submission">The submission.</param>
    /// <param name="logs">Its log patterns.</param>
    /// <param name="unit">The unit of a sweep, or null.</param>
    /// <param name="previousUnit">The id of the sweep's unit submitted before this one, or null.</param>
    internal abstract string[] SubmitArgv(BatchSubmission submission, BatchLogs logs, BatchUnit? unit, string? previousUnit);

    /// <summary>Runs the submit tool; returns the job id and the cluster it went to, when the scheduler names one.</summary>
    internal abstract Task<(string JobId, string? Cluster)> SubmitAsync(string[] argv, string scriptPath, CancellationToken cancellationToken);

    /// <summary>A log pattern with what is known filled in: the job's (or unit's) id, name and directory, and a task's array index.</summary>
    internal abstract string ExpandLog(string pattern, string jobId, string jobName, string chdir, int? arrayIndex);

    /// <summary>The array index the scheduler gives the sweep position <paramref name="position"/> of <paramref name="unit"/>.</summary>
    internal abstract int ArrayIndex(BatchUnit unit, int position);

    /// <summary>The scheduler's id of an array task (<c>4211_3</c>, <c>4211.4</c>).</summary>
    internal abstract string TaskId(string unitJobId, int arrayIndex);

    /// <summary>Asks the scheduler about these jobs (each with its ids) and their predecessors, in as few calls as it can.</summary>
    internal abstract Task<IBatchStatusRound> QueryAsync(BatchQuery query, CancellationToken cancellationToken);

    /// <summary>What the scheduler's answer about a job with predecessors says of them.</summary>
    internal abstract DependencyReading ReadDependency(JobStatusResult result);

    /// <summary>
    /// A task of a known unit the round has no line of (its exit record, when there is one, then decides). By default:
    /// ended without a record, as a scheduler keeps none of a task cancelled before it started.
    /// </summary>
    /// <param name="handle">The sweep.</param>
    /// <param name="unit">The unit the task belongs to.</param>
    /// <param name="arrayIndex">The task's array index.</param>
    /// <param name="id">The task's scheduler id.</param>
    /// <param name="unitLiveWithoutRecords">Whether the unit still runs and the sweep keeps no exit records (it is older than them).</param>
    internal virtual JobStatusResult MissingTask(JobHandle handle, BatchUnit unit, int arrayIndex, string id, bool unitLiveWithoutRecords) =>
        new(handle, JobStatus.FinishedUnknown)
        {
            Detail = new Dictionary<string, JsonNode?> { ["reason"] = $"{Scheduler} knows array {unit.JobId} but no longer this task: it was cancelled (or removed) before it started" },
        };

    /// <summary>Whether the scheduler itself ended a finished job (a limit, a cancel, a preemption, a node failure), so that its word stands over the job's exit record.</summary>
    internal abstract bool EndedByScheduler(JobStatusResult result);

    /// <summary>What a sweep's status says of the sweep itself; by default its units' ids.</summary>
    internal virtual Dictionary<string, JsonNode?> SweepDetail(JobHandle handle, IReadOnlyList<BatchUnit> units) =>
        new(StringComparer.Ordinal) { [BatchUnit.Key] = string.Join(',', units.Select(u => u.JobId)) };

    /// <summary>Cancels jobs (every unit of a sweep) in one call where the scheduler can; those that ended are no error.</summary>
    internal abstract Task CancelJobsAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken);

    /// <summary>Cancels one array task.</summary>
    internal abstract Task CancelArrayTaskAsync(BatchUnit unit, int arrayIndex, string? cluster, CancellationToken cancellationToken);

    /// <summary>
    /// The ids among these predecessors' that the scheduler still holds; null for a scheduler that never runs a job after one
    /// that had to succeed and did not, however long ago it ended (so nothing need be checked before submitting).
    /// </summary>
    internal virtual Task<IReadOnlySet<string>?> HeldAsync(IReadOnlyList<JobHandle> predecessors, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>?>(null);

    /// <summary>What this scheduler checks of a submission beyond what every one does.</summary>
    internal virtual IEnumerable<ValidationIssue> SchedulerIssues(JobRequest request) => [];

    /// <summary>
    /// A program path (with a <c>/</c>) must be an executable file, relative to the job's working directory, which a
    /// cluster's nodes share; a bare name is left to the node's PATH (the job gets the submitter's environment, and
    /// pre-commands may change it).
    /// </summary>
    /// <param name="program">The program, as the command gives it.</param>
    /// <returns>What is wrong, or null.</returns>
    public override string? ProgramProblem(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (!program.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.GetFullPath(program, Path.GetFullPath(BatchOptions.Chdir ?? Environment.CurrentDirectory));
        return Executables.IsExecutableFile(path) ? null : NotExecutable(program);
    }

    /// <summary>The job's output file (and its error file, when apart); for a sweep, every task's.</summary>
    /// <param name="handle">The job.</param>
    /// <returns>Absolute paths, from what was recorded at submission.</returns>
    public sealed override IReadOnlyList<string> GetLogFiles(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.SweepSize is { } size)
        {
            return [.. Enumerable.Range(0, size).SelectMany(position => GetTaskLogFilesCore(handle, position)).Distinct(StringComparer.Ordinal)];
        }

        var record = BatchRecord.Of(handle);
        return new[] { record.Output, record.Error }.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The options a runner keeps: checked (unless they were already, when read from a configuration), with their lists
    /// copied so that the caller's cannot change them later.
    /// </summary>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; every problem is named.</exception>
    private protected static T Kept<T>(T options, bool validated, Func<T, List<Flepimop2ConfigurationException>> problems)
        where T : BatchJobOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!validated)
        {
            OptionReader.ThrowAll(problems(options));
        }

        return (T)((BatchJobOptions)options with { PreCommands = [.. options.PreCommands ?? []], PostCommands = [.. options.PostCommands ?? []] });
    }

    /// <summary>A copy of a tool option map.</summary>
    private protected static Dictionary<string, string?> Copied(IReadOnlyDictionary<string, string?>? options) =>
        options is null ? new(StringComparer.Ordinal) : new(options, StringComparer.Ordinal);

    /// <summary>The ids of a handle's scheduler jobs: its own, or its sweep's units'; none when the record holds no usable id.</summary>
    internal IReadOnlyList<string> QueryIds(JobHandle handle) =>
        handle.SweepSize is null ? (IsJobId(handle.JobId) ? [handle.JobId] : []) : [.. Units(handle).Select(u => u.JobId)];

    /// <summary>The units of a sweep's handle.</summary>
    internal IReadOnlyList<BatchUnit> Units(JobHandle handle)
    {
        var units = BatchUnit.Read(handle, IsUnitId);
        return units.Count == 0 && InfersUnits && SweepInfo.Of(handle) is { } sweep && IsUnitId(handle.JobId) ? [new BatchUnit(handle.JobId, 0, sweep.Slots)] : units;
    }

    /// <summary>How many tasks each array task of a sweep runs (its record's <c>tasks_per_job</c>; 1 for one job).</summary>
    internal static int TasksPerJob(JobHandle handle) => SweepInfo.Of(handle)?.TasksPerJob ?? 1;

    /// <summary>The unit that runs a sweep's position, and the array index it gives it (a packed sweep's: its slot's).</summary>
    internal (BatchUnit Unit, int ArrayIndex)? UnitOf(JobHandle handle, int position)
    {
        var slot = Packing.SlotOf(position, TasksPerJob(handle));
        return Units(handle).FirstOrDefault(u => u.Holds(slot)) is { } unit ? (unit, ArrayIndex(unit, slot)) : null;
    }

    /// <summary>A unit's id: a job id, never an array task's.</summary>
    internal bool IsUnitId(string id) => IsJobId(id) && !id.Contains('_', StringComparison.Ordinal) && !id.Contains('.', StringComparison.Ordinal);

    /// <summary>The ids a predecessor's record gives to wait for.</summary>
    internal IReadOnlyList<string> PredecessorIds(JobHandle predecessor) =>
        predecessor.SweepSize is not null ? [.. Units(predecessor).Select(u => u.JobId)] : IsUnitId(predecessor.JobId) ? [predecessor.JobId] : [];

    /// <summary>A status explained by its predecessors.</summary>
    internal JobStatusResult Explain(JobStatusResult result, JobHandle handle, IBatchStatusRound round) =>
        BatchPredecessors.Explain(result, handle, round.FailedJobIds, ReadDependency(result), Scheduler, IsJobId);

    /// <summary>The script a submission runs, rendered without writing anything, with its name and log patterns.</summary>
    /// <param name="request">The submission.</param>
    /// <param name="program">The argv prefix that starts flepimop2 on the node.</param>
    /// <param name="chdir">The job's working directory, absolute.</param>
    /// <param name="table">A sweep's task table, or null for one job.</param>
    internal (string Text, string JobName, BatchLogs Logs) RenderScript(JobRequest request, IReadOnlyList<string> program, string chdir, string? table = null)
    {
        var submitter = new BatchSubmitter(this);
        var submission = submitter.Prepare(request, chdir, Path.Join(chdir, "run"));
        submission = table is null ? submission : submission with { Table = table };
        var logs = LogPatterns(submission);
        return (submitter.Render(submission, logs, program), submission.JobName, logs);
    }

    /// <summary>A copy of the configuration's <c>options</c> entry as it was given, or null.</summary>
    internal JsonNode? OptionsEntry() => _parts.OptionsNode?.DeepClone();

    /// <summary><paramref name="config"/> with the configuration's unknown keys added back, as they were given.</summary>
    internal JsonObject WithUnknownKeys(JsonObject config) => OptionReader.WithUnknownKeys(config, _parts.Extra);

    /// <summary>An issue for each of <paramref name="tools"/> not found.</summary>
    internal List<ValidationIssue> MissingTools(params string[] tools) =>
        BatchScript.MissingTools(_parts.FindTool, $"the {Backend} runner needs the {Scheduler} client tools", tools);

    /// <inheritdoc/>
    protected override string? GetTaskTable(JobHandle handle) => handle is null ? null : BatchRecord.Of(handle).TaskTable;

    /// <summary>One task's output file (and error file): the patterns recorded at submission, with its unit's id and its array index.</summary>
    /// <param name="handle">The sweep.</param>
    /// <param name="position">The task's position in the sweep.</param>
    /// <returns>Absolute paths; none when the record names no unit that runs it, or no pattern.</returns>
    protected sealed override IReadOnlyList<string> GetTaskLogFilesCore(JobHandle handle, int position)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var record = BatchRecord.Of(handle);
        if (TasksPerJob(handle) > 1)
        {
            // A packed task writes its own log; its array task's holds only what the script said around the tasks.
            return record.RunDirectory is { } run ? [ExitRecording.TaskLog(run, position)] : [];
        }

        if (UnitOf(handle, position) is not var (unit, arrayIndex) || record.Chdir is not { } chdir)
        {
            return [];
        }

        return new[] { record.OutputPattern, record.ErrorPattern }
            .OfType<string>()
            .Select(pattern => ExpandLog(pattern, unit.JobId, record.JobName ?? string.Empty, chdir, arrayIndex))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The submitting tool must be on PATH and the working directory, when the options give one, must exist.</summary>
    /// <returns>The issues found.</returns>
    protected sealed override IReadOnlyList<ValidationIssue> ValidateSubmit()
    {
        var issues = MissingTools(SubmitTool);
        if (BatchOptions.Chdir is { } chdir && !Directory.Exists(chdir))
        {
            issues.Add(new ValidationIssue($"working directory '{chdir}' does not exist", "missing_directory", new Dictionary<string, string> { ["chdir"] = chdir }));
        }

        return issues;
    }

    /// <summary>What every submission needs, each predecessor's ids, and the scheduler's own checks.</summary>
    /// <param name="request">The submission.</param>
    /// <returns>The issues found.</returns>
    protected sealed override IReadOnlyList<ValidationIssue> ValidateSubmit(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<ValidationIssue>(ValidateSubmit());
        foreach (var dependency in request.After.Where(d => d.Handle.Backend == Backend && PredecessorIds(d.Handle).Count == 0))
        {
            issues.Add(new ValidationIssue($"{dependency.Key} has no {Scheduler} job id on record to wait for", "invalid_dependency", new Dictionary<string, string> { ["after"] = dependency.Key }));
        }

        // A submission recorded before release (as the tool's own are) needs the release tool; missing, the job would stay held.
        if (request.BeforeRelease is not null && !request.DryRun)
        {
            issues.AddRange(MissingTools(ReleaseTool.Split(' ')[0]));
        }

        issues.AddRange(SchedulerIssues(request));

        // The release tool may also be one the scheduler's own checks need (Slurm reads a sweep's array limit with scontrol): named once.
        return [.. issues.DistinctBy(i => i.Message)];
    }

    /// <inheritdoc/>
    protected sealed override IReadOnlyList<ValidationIssue> ValidateStatus() => MissingTools([.. StatusTools]);

    /// <inheritdoc/>
    protected sealed override Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken) =>
        new BatchSubmitter(this).SubmitAsync(request, cancellationToken);

    /// <inheritdoc/>
    protected sealed override async Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        (await StatusManyCoreAsync([handle], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Asks the scheduler about many jobs in one round (a few calls, never one per job), then decides each: a sweep's tasks
    /// each as an ordinary job named by its array task id, then the sweep as a whole.
    /// </summary>
    /// <param name="handles">The jobs, at least one.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One result per handle, in order.</returns>
    /// <exception cref="JobBackendException">A query failed: no status is made up, so callers keep what they knew.</exception>
    protected sealed override Task<IReadOnlyList<JobStatusResult>> StatusManyCoreAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken) =>
        BatchStatus.RoundAsync(this, handles, cancellationToken);

    /// <summary>Cancels a job; for a sweep, every one of its units in one call.</summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    protected sealed override async Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        if (QueryIds(handle) is not { Count: > 0 } ids)
        {
            throw new JobBackendException(handle.SweepSize is null
                ? $"cannot cancel '{handle.JobId}': it is not a {Scheduler} job id"
                : $"cannot cancel {handle.Key}: its record names none of its {UnitWord}s; {FindJobsHint}");
        }

        await CancelJobsAsync(ids, BatchRecord.ClusterOf(handle), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected sealed override async Task CancelTaskCoreAsync(JobHandle handle, int position, CancellationToken cancellationToken)
    {
        var index = SweepInfo.Of(handle)?.IndexOf(position) ?? position;
        if (UnitOf(handle, position) is not var (unit, arrayIndex))
        {
            throw new JobBackendException($"cannot cancel task {index} of {handle.Key}: its record names no {UnitWord} that runs it");
        }

        if (TasksPerJob(handle) > 1)
        {
            // Its array task runs other tasks too: the task alone is cancelled, by a mark its recorder (or the script, before
            // it starts) looks for in the run directory the nodes share.
            var run = BatchRecord.Of(handle).RunDirectory
                ?? throw new JobBackendException($"cannot cancel task {index} of {handle.Key}: its record names no run directory to leave the cancel mark in");
            var mark = ExitRecording.CancelMark(run, position);
            DiskWrites.Run(mark, () => AtomicFile.WriteAllBytes(mark, []));
            return;
        }

        await CancelArrayTaskAsync(unit, arrayIndex, BatchRecord.ClusterOf(handle), cancellationToken).ConfigureAwait(false);
    }
}
