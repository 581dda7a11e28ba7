using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Slurm;

/// <summary>
/// Submits jobs to a Slurm cluster: a batch script with sorted <c>#SBATCH</c> directives submitted with
/// <c>sbatch --parsable</c> (a sweep as job arrays of at most the cluster's <c>MaxArraySize</c>), and status for many jobs
/// from one <c>squeue</c> and one <c>sacct</c> call per chunk of ids. Every tool call has a timeout; transient controller
/// errors are retried with back-off. The flow is <see cref="BatchJobRunner"/>'s; this class holds Slurm's pieces.
/// </summary>
public sealed class SlurmJobRunner : BatchJobRunner
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.job.slurm";

    /// <summary>The Slurm tools, with the question a timeout raises first.</summary>
    private static readonly ProcessRunner SlurmProcesses = new(TimeProvider.System, "is the Slurm controller up?");

    private static readonly string[] OwnKeys =
        [.. BatchOptionFields.Known(SlurmOptionsValidator.Keys), "cpus-per-task", "nodes", "ntasks", "requeue"];

    private readonly SlurmVersionCache _version = new();

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The options; Slurm's defaults when null.</param>
    /// <param name="clock">The clock for timestamps, back-off and the grace window; the system clock when null.</param>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; the exception names the field and the value.</exception>
    public SlurmJobRunner(SlurmJobOptions? options = null, TimeProvider? clock = null)
        : this(options ?? new SlurmJobOptions(), new BatchRunnerParts(SlurmProcesses, clock ?? TimeProvider.System, BatchRunnerParts.OnPath))
    {
    }

    internal SlurmJobRunner(SlurmJobOptions options, BatchRunnerParts parts, bool validated = false)
        : base(parts)
    {
        Options = Kept(options, validated, SlurmOptionsValidator.Problems) with { SbatchOptions = Copied(options.SbatchOptions) };
    }

    /// <inheritdoc/>
    public override string Module => ModuleName;

    /// <summary>The runner's options.</summary>
    public SlurmJobOptions Options { get; }

    /// <summary>This runner with other memory (per node), time or CPUs per task.</summary>
    /// <param name="limits">The limits; those left null stay as configured.</param>
    /// <returns>The runner.</returns>
    public override JobRunner WithLimits(JobLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var options = Options with { Memory = limits.Memory ?? Options.Memory, Time = limits.Time ?? Options.Time, CpusPerTask = limits.CpusPerTask ?? Options.CpusPerTask };
        return limits.Given.Count == 0 ? this : new SlurmJobRunner(options, Parts) { SubmissionGraceWindow = SubmissionGraceWindow, CommandTimeout = CommandTimeout };
    }

    internal override BatchJobOptions BatchOptions => Options;

    internal override string Scheduler => "Slurm";

    internal override string UnitWord => "job array";

    internal override string CancelTool => "scancel";

    internal override string SubmitTool => "sbatch";

    internal override IReadOnlyList<string> StatusTools { get; } = ["squeue", "sacct", "scancel"];

    internal override string FindJobsHint => "find them with squeue --me and scancel them";

    internal override string SweepPositionCode => SlurmScriptRenderer.SweepPositionCode;

    private SlurmClient Client => new(Processes, Clock, CommandTimeout);

    /// <summary>
    /// Builds a runner from its configuration mapping (keys <c>cpus-per-task</c>, <c>memory</c>, <c>nodes</c>, <c>ntasks</c>,
    /// <c>time</c>, <c>chdir</c>, <c>debug</c>, <c>pre-commands</c>, <c>post-commands</c>, <c>sbatch-options</c>,
    /// <c>sbatch-directory</c>, <c>executable</c>, <c>max-parallel</c>, <c>requeue</c>).
    /// </summary>
    /// <param name="configuration">The mapping; unknown keys are kept and written back by <see cref="ToConfiguration"/>.</param>
    /// <param name="clock">The clock for timestamps, back-off and the grace window; the system clock when null.</param>
    /// <returns>The runner.</returns>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; every problem is named, with its field and value.</exception>
    public static SlurmJobRunner FromConfiguration(JsonObject configuration, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new OptionReader(configuration);
        var options = BatchOptionFields.Read(reader, new SlurmJobOptions(), SlurmOptionsValidator.Keys) with
        {
            CpusPerTask = reader.PositiveInt("cpus-per-task"),
            Nodes = reader.PositiveInt("nodes"),
            Ntasks = reader.PositiveInt("ntasks"),
            SbatchOptions = reader.FlagMap("sbatch-options", "sbatch", ", or use its no- form (for example no-requeue: true)"),
            Requeue = reader.OptionalBool("requeue"),
        };

        // Every problem of the entry at once: what could not be read, and what was read but is not valid.
        reader.ThrowIfAny(SlurmOptionsValidator.Problems(options));
        var extra = OptionReader.UnknownKeys(configuration, OwnKeys);
        return new SlurmJobRunner(options, new BatchRunnerParts(SlurmProcesses, clock ?? TimeProvider.System, BatchRunnerParts.OnPath) { Extra = extra, OptionsNode = configuration["options"]?.DeepClone() }, validated: true);
    }

    /// <summary>
    /// The configuration as the original's Slurm runner stores it (its <c>model_dump()</c>: field names with underscores,
    /// <c>cpus_per_task</c>, <c>pre_commands</c>, <c>sbatch_options</c>, ...), plus <c>executable</c> and any unknown keys.
    /// A flag option is written as an empty value, and an unset <c>chdir</c> is left out, as the original reads both.
    /// </summary>
    /// <returns>A new JSON object.</returns>
    public override JsonObject ToConfiguration()
    {
        var config = new JsonObject
        {
            ["module"] = ModuleName,
            ["options"] = OptionsEntry(),
            [OptionReader.Stored("cpus-per-task")] = Options.CpusPerTask,
            ["nodes"] = Options.Nodes,
            ["ntasks"] = Options.Ntasks,
        };
        BatchOptionFields.Write(config, Options, SlurmOptionsValidator.Keys);
        config[OptionReader.Stored("sbatch-options")] = BatchOptionFields.ToolOptions(Options.SbatchOptions);
        if (Options.Requeue is { } requeue)
        {
            config["requeue"] = requeue;
        }

        return WithUnknownKeys(config);
    }

    /// <summary>The id Slurm gives task <paramref name="index"/> of array <paramref name="arrayId"/>: <c>{array}_{index}</c>.</summary>
    internal static string ArrayTaskId(string arrayId, int index) => $"{arrayId}_{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    internal override bool IsJobId(string id) => SbatchParser.IsJobId(id);

    internal override string JobName(IReadOnlyList<CliCommand> commands) => SlurmScriptRenderer.JobName(BatchJobNames.Of(commands));

    internal override BatchLogs LogPatterns(BatchSubmission submission) => SlurmScriptRenderer.Logs(Options, submission.Chdir, submission.Table is not null);

    internal override IReadOnlyList<string> Directives(BatchSubmission submission, BatchLogs logs) => SlurmScriptRenderer.Directives(Options with { Time = Packing.PackedTime(Options.Time, submission.TasksPerJob) }, submission, logs);

    /// <summary>A sweep is cut into arrays of at most the cluster's <c>MaxArraySize</c> (a dry run assumes Slurm's default when it cannot ask).</summary>
    internal override async Task<(IReadOnlyList<BatchUnit> Units, string? Note)> PlanAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        string? note = null;
        int largest;
        try
        {
            (largest, var version) = await Client.ConfigAsync(null, cancellationToken).ConfigureAwait(false);
            _version.Offer(version);
        }
        catch (JobBackendException ex) when (submission.Request.DryRun)
        {
            largest = ScontrolConfigParser.DefaultMaxArraySize;
            note = $"Slurm's default MaxArraySize ({largest}) was assumed: {ex.Message}";
        }

        var plan = BatchUnit.Plan(submission.Slots, largest);
        if (submission.MaxParallel is { } limit && plan.Count > 1 && SlurmDependencies.Own(Options) is { } own && own.Contains('?', StringComparison.Ordinal))
        {
            // sbatch takes either ',' (all of) or '?' (any of) in one dependency list, never both.
            throw new Flepimop2ValidationException([new ValidationIssue(
                $"sbatch-options.dependency '{own}' uses '?' (any of), which cannot be combined with the wait of each array of this sweep for the one before (it has {plan.Count} arrays, more than MaxArraySize {largest} tasks, and a limit of {limit} at once); use ',' or drop the limit",
                "invalid_option",
                new Dictionary<string, string> { ["sbatch-options.dependency"] = own }) { Field = "sbatch-options.dependency" }]);
        }

        return (plan, note);
    }

    /// <summary>
    /// <c>sbatch --parsable</c>, held by the predecessors (and the user's own dependency), ended by Slurm when one that had to
    /// succeed failed; an array of a sweep with a limit also waits for the array before it, so that the limit holds across them.
    /// </summary>
    internal override string[] SubmitArgv(BatchSubmission submission, BatchLogs logs, BatchUnit? unit, string? previousUnit)
    {
        var kill = submission.Predecessors.Count > 0;
        var own = SlurmDependencies.Own(Options);
        if (unit is null)
        {
            return SlurmCommandLines.Sbatch(submission.ScriptPath, SlurmDependencies.Text(submission.Predecessors, own), kill);
        }

        var dependency = SlurmDependencies.Text(submission.Predecessors, own, submission.MaxParallel is null ? null : previousUnit);
        return SlurmCommandLines.SbatchArray(submission.ScriptPath, unit.First, unit.Count, submission.MaxParallel, dependency, kill);
    }

    internal override Task<(string JobId, string? Cluster)> SubmitAsync(string[] argv, string scriptPath, CancellationToken cancellationToken) =>
        Client.SubmitAsync(argv, scriptPath, cancellationToken);

    internal override string ExpandLog(string pattern, string jobId, string jobName, string chdir, int? arrayIndex) =>
        SlurmOutputPattern.Expand(pattern, jobId, jobName, Environment.UserName, chdir, arrayIndex);

    internal override int ArrayIndex(BatchUnit unit, int position) => position - unit.First;

    internal override string TaskId(string unitJobId, int arrayIndex) => ArrayTaskId(unitJobId, arrayIndex);

    internal override async Task<IBatchStatusRound> QueryAsync(BatchQuery query, CancellationToken cancellationToken) =>
        await SlurmStatusRound.QueryAsync(Client, query, new SlurmStatusContext(Clock.GetUtcNow(), SubmissionGraceWindow, null, Requested: Requested()), cancellationToken).ConfigureAwait(false);

    internal override DependencyReading ReadDependency(JobStatusResult result) => SlurmDependencies.Read(result);

    internal override bool EndedByScheduler(JobStatusResult result) => SlurmStates.EndedBySlurm(result);

    internal override string HoldOption => "--hold";

    internal override string ReleaseTool => "scontrol release";

    internal override Task ReleaseJobsAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken) =>
        Client.ReleaseAsync(SlurmCommandLines.Release(jobIds, cluster), cancellationToken);

    internal override Task CancelJobsAsync(IReadOnlyList<string> jobIds, string? cluster, CancellationToken cancellationToken) =>
        Client.CancelAsync(jobIds, cluster, cancellationToken);

    internal override Task CancelArrayTaskAsync(BatchUnit unit, int arrayIndex, string? cluster, CancellationToken cancellationToken) =>
        Client.CancelAsync([ArrayTaskId(unit.JobId, arrayIndex)], cluster, cancellationToken);

    /// <summary>Slurm takes a dependency on a job its controller no longer holds as met: the arrays and jobs it still holds, by cluster (ids only, see <see cref="SlurmVersionCache.HeldRowsAsync"/>).</summary>
    internal override async Task<IReadOnlySet<string>?> HeldAsync(IReadOnlyList<JobHandle> predecessors, CancellationToken cancellationToken)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cluster in predecessors.GroupBy(BatchRecord.ClusterOf))
        {
            var ids = cluster.SelectMany(PredecessorIds).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count > 0)
            {
                // squeue -r lists an array's tasks (4211_3), never the array itself.
                held.UnionWith((await _version.HeldRowsAsync(Client, ids, cluster.Key, cancellationToken).ConfigureAwait(false)).Keys.Select(k => k.Split('_')[0]));
            }
        }

        return held;
    }

    /// <summary>The dependency option's form, and for a sweep <c>scontrol</c> (for <c>MaxArraySize</c>) and output patterns that name no task's own id.</summary>
    internal override IEnumerable<ValidationIssue> SchedulerIssues(JobRequest request) =>
        [.. SlurmDependencies.Problems(request, Options), .. request.IsSweep ? [.. MissingTools("scontrol"), .. SlurmOptionsValidator.SweepIssues(Options)] : Array.Empty<ValidationIssue>()];

    /// <summary>
    /// The limit and memory these options ask Slurm for, as accounting would show them; memory only for a job on one node,
    /// where the request is the job's whole.
    /// </summary>
    private JobUsage Requested() => new(
        TimeLimit: Options.Time?.ToString(),
        TimeLimitSeconds: Options.Time is { IsUnlimited: false } time ? time.TotalSeconds : null,
        ReqMemBytes: Options.Nodes is null or 1 ? Options.Memory?.Bytes : null);
}
