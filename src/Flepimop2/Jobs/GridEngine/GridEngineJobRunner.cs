using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.GridEngine.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.GridEngine;

/// <summary>
/// Submits jobs to a (Son of) Grid Engine cell: a batch script submitted with <c>qsub -terse</c> and every option as an
/// argument (a sweep as one array job, <c>-t 1-N -tc K</c>), and status for many jobs from one <c>qstat -u '*' -xml</c> and one
/// read of the accounting file. Every tool call has a timeout; a qmaster that does not answer is retried with back-off. The
/// flow is <see cref="BatchJobRunner"/>'s; this class holds Grid Engine's pieces.
/// </summary>
public sealed class GridEngineJobRunner : BatchJobRunner
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.job.gridengine";

    /// <summary>The address space (h_vmem) a JIT build of this program needs to start: 2 GiB.</summary>
    private const long MinimumJitAddressSpace = 2L << 30;

    private static readonly string[] OwnKeys =
        [.. BatchOptionFields.Known(GridEngineOptionsValidator.Keys), "queue", "slots", "parallel-environment", "project"];

    private static readonly ProcessRunner GridEngineProcesses = new(TimeProvider.System, "is the Grid Engine qmaster up?");

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The options; the cell's defaults when null.</param>
    /// <param name="clock">The clock for timestamps, back-off and the grace window; the system clock when null.</param>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; the exception names the field and the value.</exception>
    public GridEngineJobRunner(GridEngineJobOptions? options = null, TimeProvider? clock = null)
        : this(options ?? new GridEngineJobOptions(), new BatchRunnerParts(GridEngineProcesses, clock ?? TimeProvider.System, BatchRunnerParts.OnPath))
    {
    }

    internal GridEngineJobRunner(GridEngineJobOptions options, BatchRunnerParts parts, bool validated = false)
        : base(parts)
    {
        Options = Kept(options, validated, GridEngineOptionsValidator.Problems) with { QsubOptions = Copied(options.QsubOptions) };
    }

    /// <inheritdoc/>
    public override string Module => ModuleName;

    /// <summary>The runner's options.</summary>
    public GridEngineJobOptions Options { get; }

    /// <summary>
    /// The cell's accounting file: <c>$SGE_ROOT/$SGE_CELL/common/accounting</c>, with Debian's <c>/var/lib/gridengine</c>
    /// and <c>default</c> when the environment does not set them.
    /// </summary>
    public string AccountingFile { get; init; } = Path.Combine(
        Environment.GetEnvironmentVariable("SGE_ROOT") is { Length: > 0 } root ? root : "/var/lib/gridengine",
        Environment.GetEnvironmentVariable("SGE_CELL") is { Length: > 0 } cell ? cell : "default",
        "common",
        "accounting");

    /// <summary>This runner with other <c>h_vmem</c> (per slot), <c>h_rt</c> or slots (a retry's CPUs per task).</summary>
    /// <param name="limits">The limits; those left null stay as configured.</param>
    /// <returns>The runner.</returns>
    public override JobRunner WithLimits(JobLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var options = Options with { Memory = limits.Memory ?? Options.Memory, Time = limits.Time ?? Options.Time, Slots = limits.CpusPerTask ?? Options.Slots };
        return limits.Given.Count == 0
            ? this
            : new GridEngineJobRunner(options, Parts) { SubmissionGraceWindow = SubmissionGraceWindow, CommandTimeout = CommandTimeout, AccountingFile = AccountingFile };
    }

    internal override BatchJobOptions BatchOptions => Options;

    internal override string Scheduler => "Grid Engine";

    internal override string UnitWord => "array job";

    internal override string CancelTool => "qdel";

    internal override string SubmitTool => "qsub";

    internal override IReadOnlyList<string> StatusTools { get; } = ["qstat", "qdel"];

    internal override string FindJobsHint => "find them with qstat and qdel them";

    internal override bool InfersUnits => true;

    internal override string SweepPositionCode => GridEngineScriptRenderer.SweepPositionCode;

    private GridEngineClient Client => new(Processes, Clock, CommandTimeout, AccountingFile);

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
        var options = BatchOptionFields.Read(reader, new GridEngineJobOptions(), GridEngineOptionsValidator.Keys) with
        {
            Queue = reader.OptionalString("queue"),
            Slots = reader.PositiveInt("slots"),
            ParallelEnvironment = reader.OptionalString("parallel-environment"),
            Project = reader.OptionalString("project"),
            QsubOptions = reader.FlagMap("qsub-options", "qsub", string.Empty),
        };

        reader.ThrowIfAny(GridEngineOptionsValidator.Problems(options));
        var extra = OptionReader.UnknownKeys(configuration, OwnKeys);
        return new GridEngineJobRunner(options, new BatchRunnerParts(GridEngineProcesses, clock ?? TimeProvider.System, BatchRunnerParts.OnPath) { Extra = extra, OptionsNode = configuration["options"]?.DeepClone() }, validated: true);
    }

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
            ["project"] = Options.Project,
        };
        BatchOptionFields.Write(config, Options, GridEngineOptionsValidator.Keys);
        config[OptionReader.Stored("qsub-options")] = BatchOptionFields.ToolOptions(Options.QsubOptions);
        return WithUnknownKeys(config);
    }

    internal override bool IsJobId(string id) => QsubParser.IsJobId(id);

    internal override string JobName(IReadOnlyList<CliCommand> commands) => GridEngineScriptRenderer.JobName(BatchJobNames.Of(commands));

    /// <summary>Both streams go to <c>gridengine-$JOB_ID.out</c> (a task's: <c>gridengine-$JOB_ID.$TASK_ID.out</c>) in the working directory.</summary>
    internal override BatchLogs LogPatterns(BatchSubmission submission) =>
        new(Path.Join(submission.Chdir, submission.Table is null ? "gridengine-$JOB_ID.out" : "gridengine-$JOB_ID.$TASK_ID.out"), null);

    internal override IReadOnlyList<string> Directives(BatchSubmission submission, BatchLogs logs) => [];

    internal override string Checks(BatchSubmission submission) => GridEngineScriptRenderer.Checks(submission.Predecessors);

    internal override string[] SubmitArgv(BatchSubmission submission, BatchLogs logs, BatchUnit? unit, string? previousUnit) =>
        GridEngineCommandLines.Qsub(
            Options with { Time = Packing.PackedTime(Options.Time, submission.TasksPerJob) },
            submission.ScriptPath,
            submission.JobName,
            submission.Chdir,
            logs.Output,
            unit?.Count,
            submission.MaxParallel,
            [.. submission.Predecessors.SelectMany(p => p.JobIds).Distinct(StringComparer.Ordinal)]);

    internal override Task<(string JobId, string? Cluster)> SubmitAsync(string[] argv, string scriptPath, CancellationToken cancellationToken) =>
        Client.SubmitAsync(argv, scriptPath, cancellationToken);

    internal override string ExpandLog(string pattern, string jobId, string jobName, string chdir, int? arrayIndex)
    {
        var path = pattern.Replace("$JOB_ID", jobId, StringComparison.Ordinal);
        return arrayIndex is { } index ? path.Replace("$TASK_ID", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) : path;
    }

    internal override int ArrayIndex(BatchUnit unit, int position) => position - unit.First + 1;

    internal override string TaskId(string unitJobId, int arrayIndex) => QstatXmlParser.Key(unitJobId, arrayIndex);

    internal override async Task<IBatchStatusRound> QueryAsync(BatchQuery query, CancellationToken cancellationToken)
    {
        var context = new GridEngineStatusContext(
            Clock.GetUtcNow(),
            SubmissionGraceWindow,
            Options.Time is { IsUnlimited: false } time ? time.TotalSeconds : null,
            Options.Memory?.Bytes);
        return await GridEngineStatusRound.QueryAsync(Client, query, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Held (<c>h</c>), a job waits for its predecessors; ended with the check's exit code, the check ended it.</summary>
    internal override DependencyReading ReadDependency(JobStatusResult result) => result.Status switch
    {
        JobStatus.Pending when JsonText.Of(result.Detail.GetValueOrDefault("state")) is { } state && state.Contains('h', StringComparison.Ordinal) => DependencyReading.Waiting,
        JobStatus.Failed when JsonText.Int64(result.Detail.GetValueOrDefault("exit_code")) == GridEngineScriptRenderer.DependencyFailedExitCode => DependencyReading.EndedUnrun,
        _ => DependencyReading.None,
    };

    /// <summary>
    /// A task of a known array job without a line: in a sweep older than exit records, while the job lives, it ended a moment
    /// ago and its accounting record is not written yet; otherwise it was deleted before it started (one that ran has an
    /// exit record, which decides), which leaves no record.
    /// </summary>
    internal override JobStatusResult MissingTask(JobHandle handle, BatchUnit unit, int arrayIndex, string id, bool unitLiveWithoutRecords) =>
        unitLiveWithoutRecords
            ? new(handle, JobStatus.Running) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = "it has left qstat; its accounting record is not written yet" } }
            : new(handle, JobStatus.FinishedUnknown) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = $"Grid Engine has no record of task {arrayIndex} of job {unit.JobId}: it was deleted before it started" } };

    /// <summary>Grid Engine ended it when it records a failure of its own (a limit, qdel), or when status advises more of a limit.</summary>
    internal override bool EndedByScheduler(JobStatusResult result) =>
        JsonText.Int64(result.Detail.GetValueOrDefault("failed")) is > 0 || result.Detail.ContainsKey(JobDetailKeys.Retry);

    internal override Dictionary<string, JsonNode?> SweepDetail(JobHandle handle, IReadOnlyList<BatchUnit> units) =>
        new(StringComparer.Ordinal) { ["job_id"] = handle.JobId };

    internal override string HoldOption => "-h";

    internal override string ReleaseTool => "qrls";

    internal override Task ReleaseJobsAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken) =>
        Client.ReleaseAsync(["qrls", .. jobIds], cancellationToken);

    internal override Task CancelJobsAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken) =>
        Client.DeleteAsync(GridEngineCommandLines.Qdel(jobIds), cancellationToken);

    internal override Task CancelArrayTaskAsync(BatchUnit unit, int arrayIndex, string? cluster, CancellationToken cancellationToken) =>
        Client.DeleteAsync(GridEngineCommandLines.QdelTask(unit.JobId, arrayIndex), cancellationToken);

    /// <summary>
    /// h_vmem limits the job's address space, and a JIT .NET runtime (this program, when the job runs it) reserves about 2G
    /// of it as it starts: under that, the job would die at once with "Failed to load JIT compiler".
    /// </summary>
    internal override IEnumerable<ValidationIssue> SchedulerIssues(JobRequest request)
    {
        if (request.StartsThisProgram && Options.Executable is null && JitRuntime.IsJit
            && Options.Memory is { } memory && memory.Bytes < MinimumJitAddressSpace)
        {
            yield return new ValidationIssue(
                $"h_vmem {memory} is below the 2G of address space this flepimop2 (a JIT build) needs to start on the node; ask for 2G or more, or set 'executable' to the Native AOT release binary, which starts under 256M",
                "address_space",
                new Dictionary<string, string> { ["h_vmem"] = memory.ToString() })
            { Field = "h_vmem" };
        }
    }
}
