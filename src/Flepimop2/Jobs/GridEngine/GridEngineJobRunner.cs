using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Internal;
using Flepimop2.Jobs.GridEngine.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Processes;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.GridEngine;

/// <summary>
/// Submits jobs to a (Son of) Grid Engine cell: renders a batch script, submits it with <c>qsub -terse</c> and every option
/// as an argument, and answers status for many jobs with one <c>qstat -u '*' -xml</c> and one read of the accounting file.
/// A sweep is one array job (<c>-t 1-N -tc K</c>). Every tool call has a timeout; a qmaster that does not answer is retried
/// with back-off.
/// </summary>
public sealed class GridEngineJobRunner : BatchJobRunner
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.job.gridengine";

    private const string OutputKey = "output";
    private const string OutputPatternKey = "output_pattern";
    private const string AfterKey = "after_job_ids";

    private static readonly string[] OwnKeys =
    [
        "module", "options", "queue", "slots", "parallel-environment", "h_rt", "time", "h_vmem", "memory", "project", "chdir", "debug",
        "pre-commands", "post-commands", "qsub-options", "script-directory", "executable", "max-parallel",
    ];

    private static readonly ProcessRunner GridEngineProcesses = new(TimeProvider.System, "is the Grid Engine qmaster up?");

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The options; the cell's defaults when null.</param>
    /// <param name="clock">The clock for timestamps, back-off and the grace window; the system clock when null.</param>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; the exception names the field and the value.</exception>
    public GridEngineJobRunner(GridEngineJobOptions? options = null, TimeProvider? clock = null)
        : this(options ?? new GridEngineJobOptions(), [], null, clock ?? TimeProvider.System, GridEngineProcesses, FindOnPath)
    {
    }

    internal GridEngineJobRunner(GridEngineJobOptions options, JsonObject extra, JsonNode? optionsNode, TimeProvider clock, IProcessRunner processes, Func<string, string?> findTool)
        : base(extra, optionsNode, clock, processes, findTool)
    {
        Options = GridEngineOptionsValidator.Normalize(options);
    }

    /// <inheritdoc/>
    public override string Module => ModuleName;

    /// <summary>The runner's options, normalized (memory as <c>4G</c>, <c>h_rt</c> as <c>H:MM:SS</c>).</summary>
    public GridEngineJobOptions Options { get; }

    /// <inheritdoc/>
    private protected override string? WorkingDirectory => Options.Chdir;

    /// <inheritdoc/>
    private protected override string SubmitTool => "qsub";

    /// <inheritdoc/>
    private protected override string ToolsNeeded => "the gridengine runner needs the Grid Engine client tools";

    /// <summary>
    /// The cell's accounting file: <c>$SGE_ROOT/$SGE_CELL/common/accounting</c>, with Debian's <c>/var/lib/gridengine</c>
    /// and <c>default</c> when the environment does not set them.
    /// </summary>
    public string AccountingFile { get; init; } = Path.Combine(
        Environment.GetEnvironmentVariable("SGE_ROOT") is { Length: > 0 } root ? root : "/var/lib/gridengine",
        Environment.GetEnvironmentVariable("SGE_CELL") is { Length: > 0 } cell ? cell : "default",
        "common",
        "accounting");

    /// <inheritdoc/>
    public override string? Executable => Options.Executable;

    /// <summary>
    /// Builds a runner from its configuration mapping (keys <c>queue</c>, <c>slots</c>, <c>parallel-environment</c>,
    /// <c>h_rt</c> or <c>time</c>, <c>h_vmem</c> or <c>memory</c>, <c>project</c>, <c>chdir</c>, <c>debug</c>,
    /// <c>pre-commands</c>, <c>post-commands</c>, <c>qsub-options</c>, <c>script-directory</c>, <c>executable</c>,
    /// <c>max-parallel</c>).
    /// </summary>
    /// <param name="configuration">The mapping; unknown keys are kept and written back by <see cref="ToConfiguration"/>.</param>
    /// <param name="clock">The clock; the system clock when null.</param>
    /// <returns>The runner.</returns>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; every problem is named, with its field and value.</exception>
    public static GridEngineJobRunner FromConfiguration(JsonObject configuration, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new OptionReader(configuration);
        var options = new GridEngineJobOptions
        {
            Queue = reader.OptionalString("queue"),
            Slots = reader.PositiveInt("slots"),
            ParallelEnvironment = reader.OptionalString("parallel-environment"),
            Time = reader.Scalar(reader.Get("h_rt") is null && reader.Get("time") is not null ? "time" : "h_rt", "a time limit like 30 (minutes), 1:30:00 or 2-12:00:00"),
            Memory = reader.Scalar(reader.Get("h_vmem") is null && reader.Get("memory") is not null ? "memory" : "h_vmem", "a size like 4G, 500M or a number of megabytes"),
            Project = reader.OptionalString("project"),
            Chdir = reader.OptionalString("chdir"),
            Debug = reader.Bool("debug", fallback: false),
            PreCommands = reader.LinesOrBlock("pre-commands"),
            PostCommands = reader.LinesOrBlock("post-commands"),
            QsubOptions = reader.FlagMap("qsub-options", "qsub", string.Empty),
            ScriptDirectory = reader.OptionalString("script-directory"),
            Executable = reader.OptionalString("executable"),
            MaxParallel = reader.PositiveInt("max-parallel"),
        };

        reader.ThrowIfAny(GridEngineOptionsValidator.Problems(options));
        var extra = OptionReader.UnknownKeys(configuration, OwnKeys);
        return new GridEngineJobRunner(options, extra, configuration["options"]?.DeepClone(), clock ?? TimeProvider.System, GridEngineProcesses, FindOnPath);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> LimitKeys { get; } = new Dictionary<string, string>
    {
        ["memory"] = "h_vmem",
        ["time"] = "h_rt",
        ["cpus-per-task"] = "slots",
    };

    /// <summary>The configuration, with names as in the YAML entry (underscores for the multi-word ones, as the store writes them), plus any unknown keys.</summary>
    /// <returns>A new JSON object.</returns>
    public override JsonObject ToConfiguration()
    {
        var config = new JsonObject
        {
            ["module"] = ModuleName,
            ["options"] = OptionsEntry(),
            ["queue"] = Options.Queue,
            ["slots"] = Options.Slots,
            [OptionReader.Stored("parallel-environment")] = Options.ParallelEnvironment,
            ["h_rt"] = Options.Time,
            ["h_vmem"] = Options.Memory,
            ["project"] = Options.Project,
        };
        if (Options.Chdir is not null)
        {
            config["chdir"] = Options.Chdir;
        }

        config["debug"] = Options.Debug;
        config[OptionReader.Stored("pre-commands")] = new JsonArray([.. Options.PreCommands.Select(l => (JsonNode?)l)]);
        config[OptionReader.Stored("post-commands")] = new JsonArray([.. Options.PostCommands.Select(l => (JsonNode?)l)]);
        config[OptionReader.Stored("qsub-options")] = new JsonObject(Options.QsubOptions.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)(kv.Value ?? string.Empty))));
        config[OptionReader.Stored("script-directory")] = Options.ScriptDirectory;
        config["executable"] = Options.Executable;
        if (Options.MaxParallel is { } max)
        {
            config[OptionReader.Stored("max-parallel")] = max;
        }

        return WithUnknownKeys(config);
    }

    /// <summary>The job's output file (both streams); for a sweep, every task's.</summary>
    /// <param name="handle">The job.</param>
    /// <returns>Absolute paths, recorded at submission.</returns>
    public override IReadOnlyList<string> GetLogFiles(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.SweepSize is { } size)
        {
            return [.. Enumerable.Range(0, size).SelectMany(position => GetTaskLogFilesCore(handle, position))];
        }

        return handle.MetadataText(OutputKey) is { } output ? [output] : [];
    }

    /// <summary>One task's output file: the pattern recorded at submission with its Grid Engine task number.</summary>
    /// <param name="handle">The sweep.</param>
    /// <param name="position">The task's position in the sweep.</param>
    /// <returns>Absolute paths; none when the handle records no pattern.</returns>
    protected override IReadOnlyList<string> GetTaskLogFilesCore(JobHandle handle, int position)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.MetadataText(OutputPatternKey) is { } pattern
            ? [pattern.Replace("$TASK_ID", (position + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)]
            : [];
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<ValidationIssue>(ValidateSubmit());
        foreach (var dependency in request.After.Where(d => d.Predecessor.Backend == Backend && !QsubParser.IsJobId(d.Predecessor.JobId)))
        {
            issues.Add(new ValidationIssue($"{dependency.Predecessor.Key} has no Grid Engine job id on record to wait for", "invalid_dependency", new Dictionary<string, string> { ["after"] = dependency.Predecessor.Key }));
        }

        // h_vmem limits the job's address space, and a JIT .NET runtime (this program, when the job runs it) reserves about
        // 2G of it as it starts: under that, the job would die at once with "Failed to load JIT compiler".
        if (request.RunsFlepimop2 && Options.Executable is null && System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported
            && Options.Memory is { } memory && MemoryRequest.TryParse(memory, out var limit) && limit.Kilobytes < MinimumJitAddressSpaceKilobytes)
        {
            issues.Add(new ValidationIssue(
                $"h_vmem {memory} is below the 2G of address space this flepimop2 (a JIT build) needs to start on the node; ask for 2G or more, or set 'executable' to the Native AOT release binary, which starts under 256M",
                "address_space",
                new Dictionary<string, string> { ["h_vmem"] = memory })
            { Field = "h_vmem" });
        }

        return issues;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateStatus() => MissingTools("qstat", "qdel");

    /// <summary>How much earlier than the oldest submission asked about the accounting file is read back to.</summary>
    private static readonly TimeSpan AccountingSlack = TimeSpan.FromHours(1);

    /// <summary>The address space (h_vmem) a JIT build of this program needs to start: 2 GiB, in KiB.</summary>
    private const decimal MinimumJitAddressSpaceKilobytes = 2 * 1024 * 1024;

    /// <inheritdoc/>
    protected override async Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chdir = Path.GetFullPath(Options.Chdir ?? Environment.CurrentDirectory);
        var predecessors = request.After
            .Select(d => new GridEnginePredecessor(d.Predecessor.Key, d.Predecessor.JobId, d.Predecessor.SweepSize ?? 1, d.Condition))
            .ToList();
        var holdIds = predecessors.Select(p => p.JobId).Distinct(StringComparer.Ordinal).ToList();
        var program = BatchScript.ProgramPrefix(request, Options.Executable);
        string scriptPath;
        string? table = null;
        GridEngineScript script;
        string output;
        int? tasks = null;
        int? limit = null;
        if (request.Tasks is { } sweep)
        {
            // The node reads the table, so by default it goes under the job's working directory, which a cluster's nodes share.
            var directory = Options.ScriptDirectory is { } configured ? Path.GetFullPath(configured) : Path.Combine(chdir, ".flepimop2_cache", "job", "gridengine");
            var stem = Path.Combine(Directory.CreateDirectory(directory).FullName, $"{JobKey.Sanitize(GridEngineScriptRenderer.JobName(sweep))}.{JobIds.New()}");
            table = stem + ".tasks";
            script = GridEngineScriptRenderer.RenderSweep(Options, sweep, table, request.TaskCount ?? sweep.Count, predecessors);
            TaskTable.Write(table, [.. sweep.Select(t => t.CommandLine(program))], request.TaskIndices);
            scriptPath = stem + ".sh";
            output = Path.Join(chdir, "gridengine-$JOB_ID.$TASK_ID.out");
            tasks = sweep.Count;
            limit = request.MaxParallel ?? Options.MaxParallel;
        }
        else
        {
            script = GridEngineScriptRenderer.Render(Options, request.Command.CommandLine(program), request.Command, predecessors);
            var directory = Options.ScriptDirectory is { } configured
                ? Directory.CreateDirectory(Path.GetFullPath(configured)).FullName
                : Directory.CreateTempSubdirectory("flepimop2-gridengine-").FullName;
            scriptPath = Path.Combine(directory, $"{JobKey.Sanitize(script.JobName)}.{JobIds.New()}.sh");
            output = Path.Join(chdir, "gridengine-$JOB_ID.out");
        }

        await File.WriteAllTextAsync(scriptPath, script.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
        var argv = GridEngineCommandLines.Qsub(Options, scriptPath, script.JobName, chdir, output, tasks, limit, holdIds);
        if (request.DryRun)
        {
            var details = new Dictionary<string, string>
            {
                ["script"] = scriptPath,
                ["chdir"] = chdir,
                ["job_name"] = script.JobName,
                [OutputKey] = output,
            };
            if (table is not null)
            {
                details["task_table"] = table;
                details["tasks"] = tasks!.Value.ToString(CultureInfo.InvariantCulture);
                details["max_parallel"] = limit?.ToString(CultureInfo.InvariantCulture) ?? "all";
            }

            return new JobDryRun(ShellQuote.Join(argv), details);
        }

        var submittedAt = IsoTime.Now(Clock);
        var jobId = await Client().SubmitAsync(argv, scriptPath, cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["script"] = scriptPath,
            ["job_name"] = script.JobName,
            ["chdir"] = chdir,
        };
        if (table is not null)
        {
            metadata["task_table"] = table;
            metadata[OutputPatternKey] = output.Replace("$JOB_ID", jobId, StringComparison.Ordinal);
            metadata[SweepInfo.Key] = SweepInfo.Of(request, limit).ToJson();
        }
        else
        {
            metadata[OutputKey] = output.Replace("$JOB_ID", jobId, StringComparison.Ordinal);
        }

        if (predecessors.Count > 0)
        {
            metadata[AfterKey] = new JsonObject(predecessors.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.JobId)));
        }

        return new JobHandle(jobId, Backend) { SubmittedAt = submittedAt, Metadata = metadata };
    }

    /// <inheritdoc/>
    protected override async Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        (await StatusManyCoreAsync([handle], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Asks Grid Engine about many jobs at once: one <c>qstat -u '*' -xml</c> for every live job and task, and one read of
    /// the accounting file for every ended one, never a call per job. Jobs found in an error state (<c>Eqw</c>) are failed:
    /// one <c>qstat -j</c> gives their reasons and one <c>qdel</c> deletes them, as they would otherwise wait forever.
    /// </summary>
    /// <param name="handles">The jobs, at least one.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One result per handle, in order.</returns>
    /// <exception cref="JobBackendException">A query failed: no status is made up, so callers keep what they knew.</exception>
    protected override async Task<IReadOnlyList<JobStatusResult>> StatusManyCoreAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handles);
        var client = Client();
        var results = new JobStatusResult[handles.Count];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < handles.Count; i++)
        {
            if (QsubParser.IsJobId(handles[i].JobId))
            {
                ids.Add(handles[i].JobId);
                ids.UnionWith(Predecessors(handles[i]).Values);
            }
            else
            {
                results[i] = new JobStatusResult(handles[i], JobStatus.FinishedUnknown) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = $"'{handles[i].JobId}' is not a Grid Engine job id" } };
            }
        }

        var live = await client.LiveAsync(cancellationToken).ConfigureAwait(false);

        var ended = await client.AccountingAsync(ids, AccountingCutoff(handles), cancellationToken).ConfigureAwait(false);
        await AddOlderFailuresAsync(client, handles, ended, live, cancellationToken).ConfigureAwait(false);
        var inError = live.Values.Where(r => ids.Contains(r.JobId) && GridEngineStates.IsError(r.State)).ToList();
        IReadOnlyDictionary<string, string> reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        if (inError.Count > 0)
        {
            reasons = await client.ErrorReasonsAsync([.. inError.Select(r => r.JobId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
            await client.DeleteAsync([.. inError.Select(r => QstatXmlParser.Key(r.JobId, r.Task))], cancellationToken).ConfigureAwait(false);
        }

        var context = new GridEngineStatusContext(
            Clock.GetUtcNow(),
            SubmissionGraceWindow,
            GridEngineOptionsValidator.Seconds(Options.Time),
            Options.Memory is { } memory && MemoryRequest.TryParse(memory, out var m) ? (long)(m.Kilobytes * 1024) : null,
            reasons);
        var liveJobs = live.Values.Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        var failedJobs = ended.Values.Where(r => GridEngineStates.Ended(r.Failed, r.ExitStatus) == JobStatus.Failed).Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < handles.Count; i++)
        {
            var handle = handles[i];
            if (results[i] is not null)
            {
                continue;
            }

            results[i] = handle.SweepSize is { } size
                ? SweepStatus(handle, size, live, ended, liveJobs, failedJobs, context)
                : Explain(GridEngineStatusResolver.Resolve(handle, handle.JobId, live.GetValueOrDefault(handle.JobId), ended.GetValueOrDefault(handle.JobId), context), handle, failedJobs);
        }

        return results;
    }

    /// <summary>Deletes a job; for a sweep, every task of its array job.</summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    protected override async Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        if (!QsubParser.IsJobId(handle.JobId))
        {
            throw new JobBackendException($"cannot cancel '{handle.JobId}': it is not a Grid Engine job id");
        }

        await Client().DeleteAsync([handle.JobId], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task CancelTaskCoreAsync(JobHandle handle, int task, CancellationToken cancellationToken)
    {
        if (!QsubParser.IsJobId(handle.JobId))
        {
            throw new JobBackendException($"cannot cancel task {task} of {handle.Key}: '{handle.JobId}' is not a Grid Engine job id");
        }

        await Client().DeleteTaskAsync(handle.JobId, task + 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A job that its dependency check ended (exit 86) names the predecessor that failed; a predecessor may have ended
    /// before the job was submitted, before the part of the accounting file read for the round. Only then, and only for
    /// those predecessors, the whole file is read.
    /// </summary>
    private static async Task AddOlderFailuresAsync(
        GridEngineClient client, IReadOnlyList<JobHandle> handles, Dictionary<string, GridEngineAccountingRecord> ended, Dictionary<string, GridEngineLiveRow> live, CancellationToken cancellationToken)
    {
        var endedChecked = ended.Values.Where(r => r.ExitStatus == GridEngineScriptRenderer.DependencyFailedExitCode).Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        var failedKnown = ended.Values.Where(r => GridEngineStates.Ended(r.Failed, r.ExitStatus) == JobStatus.Failed).Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        var liveJobs = live.Values.Select(r => r.JobId).ToHashSet(StringComparer.Ordinal);
        var missing = handles
            .Where(h => endedChecked.Contains(h.JobId))
            .SelectMany(h => Predecessors(h).Values)
            .Where(id => !failedKnown.Contains(id) && !liveJobs.Contains(id))
            .ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0)
        {
            return;
        }

        foreach (var (key, record) in await client.AccountingAsync(missing, long.MinValue, cancellationToken).ConfigureAwait(false))
        {
            ended.TryAdd(key, record);
        }
    }

    /// <summary>
    /// How far back the accounting file is read for these jobs: no job ended before it was submitted, so to the oldest
    /// submission, less a slack for the clocks of the submit host and the qmaster, not through the cell's whole history. A
    /// submission time from a store is not trusted further: one in the future counts as now, one before the epoch reads all.
    /// </summary>
    private long AccountingCutoff(IReadOnlyList<JobHandle> handles)
    {
        var oldest = handles.Where(h => QsubParser.IsJobId(h.JobId)).Select(h => h.SubmittedAt).Append(Clock.GetUtcNow()).Min();
        return oldest - DateTimeOffset.UnixEpoch < AccountingSlack ? long.MinValue : (oldest - AccountingSlack).ToUnixTimeSeconds();
    }

    /// <summary>The predecessors a handle records: key to Grid Engine job id.</summary>
    private static Dictionary<string, string> Predecessors(JobHandle handle)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (handle.Metadata.GetValueOrDefault(AfterKey) is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                if (JsonText.Of(value) is { } id && QsubParser.IsJobId(id))
                {
                    result[key] = id;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Says why a job with predecessors waits, or ended without running: a job that ended with the dependency check's exit
    /// code while a predecessor that had to succeed failed was ended by that check, before its step ran.
    /// </summary>
    private static JobStatusResult Explain(JobStatusResult result, JobHandle handle, HashSet<string> failedJobs)
    {
        var after = handle.After;
        if (after.Count == 0)
        {
            return result;
        }

        var ids = Predecessors(handle);
        string? explained = null;
        if (result.Status == JobStatus.Pending && JsonText.Of(result.Detail.GetValueOrDefault("state")) is { } state && state.Contains('h', StringComparison.Ordinal))
        {
            explained = $"waiting for {string.Join(", ", after.Select(a => a.Key))}";
        }
        else if (result.Status == JobStatus.Failed && JsonText.Int64(result.Detail.GetValueOrDefault("exit_code")) == GridEngineScriptRenderer.DependencyFailedExitCode)
        {
            var failed = after.Where(a => a.Condition == DependencyCondition.Succeeded && ids.TryGetValue(a.Key, out var id) && failedJobs.Contains(id)).Select(a => a.Key).ToList();
            explained = failed.Count > 0 ? $"dependency {string.Join(", ", failed)} failed (it did not run)" : null;
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

    /// <summary>Each task of a sweep decided as an ordinary job (Grid Engine task <c>position + 1</c>), then the whole.</summary>
    private static JobStatusResult SweepStatus(
        JobHandle handle,
        int size,
        Dictionary<string, GridEngineLiveRow> live,
        Dictionary<string, GridEngineAccountingRecord> ended,
        HashSet<string> liveJobs,
        HashSet<string> failedJobs,
        GridEngineStatusContext context)
    {
        var known = liveJobs.Contains(handle.JobId) || ended.Values.Any(r => r.JobId == handle.JobId);
        var tasks = new SweepTaskStatus[size];
        for (var position = 0; position < size; position++)
        {
            var key = QstatXmlParser.Key(handle.JobId, position + 1);
            var row = live.GetValueOrDefault(key);
            var record = ended.GetValueOrDefault(key);
            JobStatusResult result;
            if (row is null && record is null && known)
            {
                // The array is known, this task is not: it ended a moment ago (its record is not written yet) while others
                // still run, or, once none runs, it was deleted before it started, which leaves no record.
                result = liveJobs.Contains(handle.JobId)
                    ? new JobStatusResult(handle, JobStatus.Running) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = "it has left qstat; its accounting record is not written yet" } }
                    : new JobStatusResult(handle, JobStatus.FinishedUnknown) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = $"Grid Engine has no record of task {position + 1} of job {handle.JobId}: it was deleted before it started" } };
            }
            else
            {
                result = Explain(GridEngineStatusResolver.Resolve(handle, key, row, record, context), handle, failedJobs);
            }

            tasks[position] = new SweepTaskStatus(position, result.Status)
            {
                BackendId = key,
                ExitCode = result.Status.IsFinished() && JsonText.Int64(result.Detail.GetValueOrDefault("exit_code")) is { } code ? (int)code : null,
                Detail = result.Detail,
            };
        }

        var sweep = new SweepStatus(tasks);
        var detail = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["job_id"] = handle.JobId };
        if (RetryAdvice.Largest(tasks.Where(t => t.Status.IsFinished()).Select(t => t.Detail)) is { } retry)
        {
            detail[JobDetailKeys.Retry] = retry;
        }

        var whole = new JobStatusResult(handle, sweep.Overall) { Detail = detail, Sweep = sweep };
        return SweepInfo.Of(handle) is { } info ? info.Relabel(whole) : whole;
    }

    private GridEngineClient Client() => new(Processes, Clock, CommandTimeout, AccountingFile);

}
