using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs;

/// <summary>
/// A job backend ("job module"): submits a <see cref="CliCommand"/> and answers for the jobs it submitted.
/// Every public operation validates first; any issue raises <see cref="Flepimop2ValidationException"/>
/// and nothing reaches the backend.
/// </summary>
public abstract class JobRunner
{
    /// <summary>The fully qualified module name, for example <c>flepimop2.job.shell</c>.</summary>
    public abstract string Module { get; }

    /// <summary>The short name written into handles, for example <c>shell</c>.</summary>
    public string Backend => Module[(Module.LastIndexOf('.') + 1)..];

    /// <summary>Validates, then submits <paramref name="command"/>, or with <paramref name="dryRun"/> prepares everything and stops just before.</summary>
    /// <param name="command">The command to run as the job.</param>
    /// <param name="dryRun">Prepare but do not submit.</param>
    /// <param name="cancellationToken">As for <see cref="SubmitAsync(JobRequest, CancellationToken)"/>.</param>
    /// <returns>A <see cref="JobHandle"/>, or a <see cref="JobDryRun"/> when <paramref name="dryRun"/> is set.</returns>
    public Task<JobSubmission> SubmitAsync(CliCommand command, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return SubmitAsync(new JobRequest(command) { DryRun = dryRun }, cancellationToken);
    }

    /// <summary>Validates, then submits what <paramref name="request"/> asks for, or with <see cref="JobRequest.DryRun"/> prepares everything and stops just before.</summary>
    /// <param name="request">The command and how to submit it.</param>
    /// <param name="cancellationToken">
    /// Cancelled before the job starts, nothing is submitted. Cancelled while a runner waits for a job it runs itself (a
    /// blocking shell job), the job is stopped and its handle is still returned, recording that it was cancelled, so the
    /// caller can record it; the caller checks the token afterwards.
    /// </param>
    /// <returns>A <see cref="JobHandle"/>, or a <see cref="JobDryRun"/> for a dry run.</returns>
    public async Task<JobSubmission> SubmitAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfAny(ValidateSubmission(request));
        cancellationToken.ThrowIfCancellationRequested();
        var provenance = request.DryRun
            ? null
            : await ProvenanceCapture.TakeAsync(
                request.ConfigPath ?? request.Command.Config,
                request.Command.CommandLine(ProgramPrefix(request)),
                ConfiguredEnvironment,
                ProcessRunner.Instance,
                cancellationToken).ConfigureAwait(false);

        // What is recorded before release is the handle the caller gets back, with what the request adds to it.
        JobHandle Complete(JobHandle handle, bool released)
        {
            var added = Internal.SubmissionRecord.Add(handle, request);
            return provenance is null ? added : added with { Provenance = provenance.For(added, RunDirectory(added), released) };
        }

        var core = request.BeforeRelease is { } record
            ? request with { BeforeRelease = (held, token) => record(Complete(held, released: false), token) }
            : request;
        var submission = await SubmitCoreAsync(core, cancellationToken).ConfigureAwait(false);
        return submission is JobHandle submitted ? Complete(submitted, released: true) : submission;
    }

    /// <summary>
    /// The argv a command of <paramref name="request"/> starts with when it runs flepimop2 (empty for a program of
    /// <c>job run</c>, which runs as it is): this program, unless the runner's configuration names another.
    /// </summary>
    internal virtual IReadOnlyList<string> ProgramPrefix(JobRequest request) => request.RunsFlepimop2 ? Executables.CurrentProgram() : [];

    /// <summary>The environment variables a job gets from the runner's configuration (recorded in its provenance); none by default.</summary>
    internal virtual IReadOnlyDictionary<string, string> ConfiguredEnvironment => EmptyEnvironment;

    /// <summary>
    /// The job's run directory, where its provenance keeps the copy of its configuration: the one its record names
    /// (metadata <c>run_dir</c> of a batch job or a sweep, the directory of a detached shell job's <c>log</c>); null when none.
    /// </summary>
    internal virtual string? RunDirectory(JobHandle handle) =>
        handle.MetadataText("run_dir") ?? (handle.MetadataText("log") is { } log ? Path.GetDirectoryName(log) : null);

    private static readonly IReadOnlyDictionary<string, string> EmptyEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Checks what a submission needs (executables, directories, options) without submitting anything, so a caller can
    /// report every problem before it prepares anything else.
    /// </summary>
    /// <returns>The issues found; empty when a submission could go ahead.</returns>
    public IReadOnlyList<ValidationIssue> ValidateSubmission() => ValidateSubmit();

    /// <summary>Checks what this submission needs: what <see cref="ValidateSubmission()"/> checks, and what a sweep needs on top.</summary>
    /// <param name="request">The submission.</param>
    /// <returns>The issues found; empty when it could go ahead.</returns>
    public IReadOnlyList<ValidationIssue> ValidateSubmission(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var orphans = request.After.Where(d => d.Predecessor is null).ToList();
        if (orphans.Count > 0)
        {
            // The runner's own checks look at each predecessor's record, which these lack.
            return [.. orphans.Select(d => new ValidationIssue(
                $"the dependency on {d.Key} holds no handle of it; a submission needs the predecessor's handle (from the store)",
                "invalid_dependency",
                new Dictionary<string, string> { ["after"] = d.Key }))];
        }

        var issues = new List<ValidationIssue>(ValidateSubmit(request));
        foreach (var program in request.Commands.Where(c => !c.RunsFlepimop2).Select(c => c.CommandLine([])[0]).Distinct(StringComparer.Ordinal))
        {
            if (ProgramProblem(program) is { } problem)
            {
                issues.Add(new ValidationIssue(problem, "missing_executable", new Dictionary<string, string> { ["program"] = program }));
            }
        }

        issues.AddRange(Internal.RequestChecks.Problems(request, Backend));
        return issues;
    }

    /// <summary>Where one task of a sweep stands, answered exactly like an ordinary job (its detail also names the task).</summary>
    /// <param name="handle">The sweep's handle.</param>
    /// <param name="index">The task's index (its <c>FLEPIMOP2_TASK_INDEX</c>).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The task's status.</returns>
    /// <exception cref="ArgumentException">The handle is not a sweep's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sweep has no such task.</exception>
    public async Task<JobStatusResult> TaskStatusAsync(JobHandle handle, int index, CancellationToken cancellationToken = default)
    {
        Position(handle, index);
        var sweep = await StatusAsync(handle, cancellationToken).ConfigureAwait(false);
        var found = sweep.Sweep?.Tasks.FirstOrDefault(t => t.Index == index) ?? new SweepTaskStatus(index, JobStatus.FinishedUnknown);
        var detail = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["task"] = index };
        if (found.BackendId is { } id)
        {
            detail["job_id"] = id;
        }

        foreach (var (key, value) in found.Detail)
        {
            detail[key] = value?.DeepClone();
        }

        return new JobStatusResult(handle, found.Status) { Detail = detail };
    }

    /// <summary>Stops one task of a sweep; the others go on. Cancelling a finished task does nothing.</summary>
    /// <param name="handle">The sweep's handle.</param>
    /// <param name="index">The task's index (its <c>FLEPIMOP2_TASK_INDEX</c>).</param>
    /// <param name="cancellationToken">Cancels waiting for the task to stop.</param>
    /// <returns>A task that completes when the backend has accepted the request.</returns>
    public async Task CancelTaskAsync(JobHandle handle, int index, CancellationToken cancellationToken = default)
    {
        var position = Position(handle, index);
        ThrowIfAny(ValidateStatus());
        await CancelTaskCoreAsync(handle, position, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The files holding one task's output.</summary>
    /// <param name="handle">The sweep's handle.</param>
    /// <param name="index">The task's index (its <c>FLEPIMOP2_TASK_INDEX</c>).</param>
    /// <returns>Absolute paths, possibly of files not written yet.</returns>
    public IReadOnlyList<string> GetTaskLogFiles(JobHandle handle, int index) => GetTaskLogFilesCore(handle, Position(handle, index));

    /// <summary>
    /// A request that submits a recorded job again: the command it recorded, or for a sweep its tasks as its task table
    /// holds them (exact argv), all of them or only those that failed, each keeping its task index. The caller submits it,
    /// usually with a runner built from the job's stored configuration (with any overrides).
    /// </summary>
    /// <param name="handle">The recorded job.</param>
    /// <param name="failedTasksOnly">For a sweep: only the tasks that failed (or finished in an unknown way).</param>
    /// <param name="cancellationToken">Cancels the status query that finds the failed tasks.</param>
    /// <returns>The request, with <see cref="JobRequest.RetryOf"/> set.</returns>
    /// <exception cref="Flepimop2Exception">The record keeps no command or task table, or no task failed.</exception>
    public async Task<JobRequest> RetryRequestAsync(JobHandle handle, bool failedTasksOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (SweepInfo.Of(handle) is not { } sweep)
        {
            var command = handle.RecordedCommand ?? throw new Flepimop2Exception(
                $"{handle.Key} keeps no record of its command (it was submitted by the original flepimop2 or an older version); submit it again with 'flepimop2 job process'");
            return new JobRequest(command) { RetryOf = handle.Key };
        }

        var table = GetTaskTable(handle) ?? throw new Flepimop2Exception($"{handle.Key} keeps no task table to submit its tasks again from");
        IReadOnlyList<int> positions = [.. Enumerable.Range(0, sweep.Tasks)];
        if (failedTasksOnly)
        {
            var status = await StatusAsync(handle, cancellationToken).ConfigureAwait(false);
            var failed = status.Sweep?.FailedIndices ?? [];
            positions = [.. failed.Select(sweep.PositionOf).OfType<int>()];
            if (positions.Count == 0)
            {
                throw new Flepimop2Exception($"{handle.Key} has no failed tasks ({status.Status.ToWireName()}: {status.Sweep?.Counts()})");
            }
        }

        List<CliCommand> tasks;
        try
        {
            tasks = [.. positions.Select(p => (CliCommand)new ArgvCommand(Sweeps.TaskTable.Read(table, p), runsFlepimop2: false))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            throw new Flepimop2Exception($"{handle.Key}'s task table {table} cannot be read: {ex.Message}", ex);
        }

        var indices = positions.Select(sweep.IndexOf).ToList();
        return JobRequest.Sweep(tasks, sweep.MaxParallel) with
        {
            TaskIndices = indices.Select((index, position) => index == position).All(same => same) ? null : indices,
            TaskCount = sweep.TaskCount ?? sweep.Tasks,
            RetryOf = handle.Key,

            // The failed tasks are packed again as the sweep was, into as few scheduler tasks as they fill.
            TasksPerJob = sweep.TasksPerJob > 1 ? sweep.TasksPerJob : null,
        };
    }

    /// <summary>Validates, then asks the backend where a job stands.</summary>
    /// <param name="handle">The handle returned at submission.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The status.</returns>
    public async Task<JobStatusResult> StatusAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ThrowIfAny(ValidateStatus());
        return await StatusCoreAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Validates once, then asks the backend about many jobs, in one round trip where the backend can.
    /// Results come back in the order of <paramref name="handles"/>.
    /// </summary>
    /// <param name="handles">The handles to query.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One result per handle, in order.</returns>
    public async Task<IReadOnlyList<JobStatusResult>> StatusManyAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handles);
        if (handles.Count == 0)
        {
            return [];
        }

        ThrowIfAny(ValidateStatus());
        return await StatusManyCoreAsync(handles, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops a job. Cancelling a finished job does nothing.</summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cancels waiting for the job to stop.</param>
    /// <returns>A task that completes when the backend has accepted the request.</returns>
    public async Task CancelAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ThrowIfAny(ValidateStatus());
        await CancelCoreAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The search path and working directory the submitted command will run with, when the runner can tell before submitting
    /// (a local process); null when it cannot (a cluster node, whose environment pre-commands may change).
    /// </summary>
    /// <returns>The environment, or null.</returns>
    public virtual JobEnvironment? PredictEnvironment() => null;

    /// <summary>
    /// This runner with other resource limits (for a retry that asks for more memory or time). A runner that takes no such
    /// limits (the shell runner) refuses any, naming the limit.
    /// </summary>
    /// <param name="limits">The limits to set; those left null stay as configured.</param>
    /// <returns>A runner with the same configuration but the limits; this runner when none is given.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The runner takes no such limit, or refuses its value; <see cref="Flepimop2ConfigurationException.Field"/> names it (<see cref="JobLimits.MemoryField"/>, ...).</exception>
    public virtual JobRunner WithLimits(JobLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return limits.Given.Count == 0
            ? this
            : throw new Flepimop2ConfigurationException($"the {Backend} runner takes no {limits.Given[0]} limit", field: limits.Given[0]);
    }

    /// <summary>
    /// The program this runner starts flepimop2 commands with when one is configured (its <c>executable</c>, for example
    /// the original program); null when it starts this same program.
    /// </summary>
    public virtual string? Executable => null;

    /// <summary>
    /// Checks, before submitting, that a program a job starts directly (a command that does not run flepimop2, such as
    /// <c>Rscript</c> or <c>./model</c>) could be started where the job runs. By default: when the runner can tell the job's
    /// environment (<see cref="PredictEnvironment"/>), a bare name must be on the job's PATH and a path must be an
    /// executable file relative to the job's working directory; otherwise nothing is checked.
    /// </summary>
    /// <param name="program">The program, as the command gives it.</param>
    /// <returns>What is wrong, naming the program; null when it can be started or the runner cannot tell.</returns>
    public virtual string? ProgramProblem(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (PredictEnvironment() is not { } environment || Executables.Find(program, environment.SearchPath, environment.WorkingDirectory) is not null)
        {
            return null;
        }

        return program.Contains('/', StringComparison.Ordinal) ? NotExecutable(program)
            : environment.SearchPath is null ? $"program '{Printable.Escape(program)}' not found: the job's environment has no PATH"
            : $"program '{Printable.Escape(program)}' not found on the job's PATH";
    }

    /// <summary>Files holding the job's output, for <c>job logs</c>; empty when the output was not kept.</summary>
    /// <param name="handle">The job.</param>
    /// <returns>Absolute paths, possibly of files not written yet.</returns>
    public virtual IReadOnlyList<string> GetLogFiles(JobHandle handle) => [];

    /// <summary>Why a job keeps no output file (when <see cref="GetLogFiles"/> gives none), in a few words for a message.</summary>
    /// <param name="handle">The job.</param>
    /// <returns>The reason.</returns>
    public virtual string NoLogFilesReason(JobHandle handle) =>
        "it was started by a program that does not keep a job's output (the original flepimop2)";

    /// <summary>
    /// Opens one of <see cref="GetLogFiles"/>' files for reading, guarded as the store's own files are: a symbolic link is
    /// not followed, a FIFO never blocks the open, and anything but a regular file is refused (a handle may be hostile).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The open file.</returns>
    /// <exception cref="FileNotFoundException">The job has written no output yet.</exception>
    /// <exception cref="IOException">The file is a link, a FIFO or a device, or cannot be read.</exception>
    public static Stream OpenLogFile(string path) => SafeFile.OpenRead(path, followLinks: false);

    /// <summary>The runner's full configuration, enough to rebuild it with <see cref="Configuration.JobRunners.Build(JsonObject, TimeProvider)"/>.</summary>
    /// <returns>A new JSON object; callers may change it.</returns>
    public abstract JsonObject ToConfiguration();

    /// <summary>Checks what a submission needs. Return no issues when all is well.</summary>
    /// <returns>The issues found.</returns>
    protected virtual IReadOnlyList<ValidationIssue> ValidateSubmit() => [];

    /// <summary>Checks what this submission needs; by default what <see cref="ValidateSubmit()"/> checks.</summary>
    /// <param name="request">The submission.</param>
    /// <returns>The issues found.</returns>
    protected virtual IReadOnlyList<ValidationIssue> ValidateSubmit(JobRequest request) => ValidateSubmit();

    /// <summary>The task table of a sweep (see the task table in the manual, docs/sweeps.md), or null when the record names none.</summary>
    /// <param name="handle">The sweep.</param>
    /// <returns>The table's path.</returns>
    protected virtual string? GetTaskTable(JobHandle handle) => null;

    /// <summary>The files holding the output of the task at <paramref name="position"/>.</summary>
    /// <param name="handle">The sweep.</param>
    /// <param name="position">The task's position in the sweep, from 0.</param>
    /// <returns>Absolute paths.</returns>
    protected virtual IReadOnlyList<string> GetTaskLogFilesCore(JobHandle handle, int position) => [];

    /// <summary>Backend-specific cancel of one task of a sweep.</summary>
    /// <param name="handle">The sweep.</param>
    /// <param name="position">The task's position in the sweep, from 0 (not its index, which a retry of some tasks keeps).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    protected virtual Task CancelTaskCoreAsync(JobHandle handle, int position, CancellationToken cancellationToken) =>
        throw new JobBackendException($"the {Module} runner cannot cancel a single task of a sweep");

    /// <summary>Checks what a status query or cancel needs. Return no issues when all is well.</summary>
    /// <returns>The issues found.</returns>
    protected virtual IReadOnlyList<ValidationIssue> ValidateStatus() => [];

    /// <summary>Backend-specific submission, called after validation passed.</summary>
    /// <param name="request">The command to run and how to submit it.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A handle, or a dry run description.</returns>
    protected abstract Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken);

    /// <summary>Backend-specific status query, called after validation passed.</summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The status.</returns>
    protected abstract Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken);

    /// <summary>Status of many jobs; the default asks one at a time. Backends that can batch override this.</summary>
    /// <param name="handles">The jobs, at least one.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One result per handle, in order.</returns>
    protected virtual async Task<IReadOnlyList<JobStatusResult>> StatusManyCoreAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handles);
        var results = new JobStatusResult[handles.Count];
        for (var i = 0; i < handles.Count; i++)
        {
            results[i] = await StatusCoreAsync(handles[i], cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Backend-specific cancel, called after validation passed.</summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    protected abstract Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken);

    /// <summary>The problem of a program path that is not an executable file, in the words <see cref="ProgramProblem"/> uses.</summary>
    /// <param name="program">The program, as the command gives it.</param>
    /// <returns>The message.</returns>
    protected static string NotExecutable(string program) => $"program '{Printable.Escape(program)}' is not an executable file";

    /// <summary>The position of a task index in a sweep.</summary>
    private static int Position(JobHandle handle, int index)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var sweep = SweepInfo.Of(handle) ?? throw new ArgumentException($"{handle.Key} is one job, not a sweep of tasks", nameof(handle));
        if (sweep.PositionOf(index) is { } position)
        {
            return position;
        }

        var which = sweep.Indices is { } indices ? string.Join(", ", indices.Take(20)) + (indices.Count > 20 ? " ..." : string.Empty) : $"0 to {sweep.Tasks - 1}";
        throw new ArgumentOutOfRangeException(nameof(index), index, $"{handle.Key} has tasks {which}");
    }

    private static void ThrowIfAny(IReadOnlyList<ValidationIssue>? issues)
    {
        if (issues is { Count: > 0 })
        {
            throw new Flepimop2ValidationException(issues);
        }
    }
}
