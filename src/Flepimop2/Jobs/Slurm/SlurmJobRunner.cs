using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Internal;
using Flepimop2.Jobs.Slurm.Internal;
using Flepimop2.Processes;

namespace Flepimop2.Jobs.Slurm;

/// <summary>
/// Submits jobs to a Slurm cluster: renders a batch script (sorted <c>#SBATCH</c> directives, the command with every token
/// shell-quoted), submits it with <c>sbatch --parsable</c>, and answers status for many jobs with one <c>squeue</c> and one
/// <c>sacct</c> call per chunk of ids. Every tool call has a timeout; transient controller errors are retried with back-off.
/// </summary>
public sealed class SlurmJobRunner : JobRunner
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.job.slurm";

    /// <summary>How many job ids one <c>squeue</c> or <c>sacct</c> call asks about.</summary>
    internal const int StatusChunkSize = 500;

    private static readonly string[] OwnKeys =
    [
        "module", "options", "cpus-per-task", "memory", "nodes", "ntasks", "time", "chdir", "debug",
        "pre-commands", "post-commands", "sbatch-options", "sbatch-directory", "executable",
    ];

    /// <summary>The Slurm tools, with the question a timeout raises first.</summary>
    private static readonly ProcessRunner SlurmProcesses = new(TimeProvider.System, "is the Slurm controller up?");

    private readonly JsonObject _extra;
    private readonly JsonNode? _optionsNode;
    private readonly TimeProvider _clock;
    private readonly IProcessRunner _processes;
    private readonly Func<string, string?> _findTool;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The options; Slurm's defaults when null.</param>
    /// <param name="clock">The clock for timestamps, back-off and the grace window; the system clock when null.</param>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; the exception names the field and the value.</exception>
    public SlurmJobRunner(SlurmJobOptions? options = null, TimeProvider? clock = null)
        : this(options ?? new SlurmJobOptions(), [], null, clock ?? TimeProvider.System, SlurmProcesses, FindOnPath)
    {
    }

    internal SlurmJobRunner(SlurmJobOptions options, JsonObject extra, JsonNode? optionsNode, TimeProvider clock, IProcessRunner processes, Func<string, string?> findTool)
    {
        Options = SlurmOptionsValidator.Normalize(options);
        _extra = extra;
        _optionsNode = optionsNode;
        _clock = clock;
        _processes = processes;
        _findTool = findTool;
    }

    /// <inheritdoc/>
    public override string Module => ModuleName;

    /// <summary>The runner's options, normalized (memory as <c>4G</c>, time as <c>D-HH:MM:SS</c>).</summary>
    public SlurmJobOptions Options { get; }

    /// <summary>
    /// How long after submission a job that neither <c>squeue</c> nor <c>sacct</c> knows still counts as pending
    /// (the controller or the accounting database may not have it yet). After it, such a job is <c>finished_unknown</c>.
    /// </summary>
    public TimeSpan SubmissionGraceWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one call of a Slurm tool may take before it is stopped and the operation fails.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Builds a runner from its configuration mapping (keys <c>cpus-per-task</c>, <c>memory</c>, <c>nodes</c>, <c>ntasks</c>,
    /// <c>time</c>, <c>chdir</c>, <c>debug</c>, <c>pre-commands</c>, <c>post-commands</c>, <c>sbatch-options</c>,
    /// <c>sbatch-directory</c>, <c>executable</c>).
    /// </summary>
    /// <param name="configuration">The mapping; unknown keys are kept and written back by <see cref="ToConfiguration"/>.</param>
    /// <returns>The runner.</returns>
    /// <param name="clock">The clock for timestamps, back-off and the grace window; the system clock when null.</param>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; every problem is named, with its field and value.</exception>
    public static SlurmJobRunner FromConfiguration(JsonObject configuration, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new OptionReader(configuration);
        var options = new SlurmJobOptions
        {
            CpusPerTask = reader.PositiveInt("cpus-per-task"),
            Memory = ScalarOption(reader, "memory", "a size like 4G, 500M or a number of megabytes"),
            Nodes = reader.PositiveInt("nodes"),
            Ntasks = reader.PositiveInt("ntasks"),
            Time = ScalarOption(reader, "time", "a Slurm time limit like 30 (minutes), 1:30:00 or 2-12:00:00"),
            Chdir = reader.OptionalString("chdir"),
            Debug = reader.Bool("debug", fallback: false),
            PreCommands = reader.LinesOrBlock("pre-commands"),
            PostCommands = reader.LinesOrBlock("post-commands"),
            SbatchOptions = ReadSbatchOptions(reader),
            SbatchDirectory = reader.OptionalString("sbatch-directory"),
            Executable = reader.OptionalString("executable"),
        };

        // Every problem of the entry at once: what could not be read, and what was read but is not valid.
        reader.ThrowIfAny(SlurmOptionsValidator.Problems(options));
        var extra = OptionReader.UnknownKeys(configuration, OwnKeys);
        return new SlurmJobRunner(options, extra, configuration["options"]?.DeepClone(), clock ?? TimeProvider.System, SlurmProcesses, FindOnPath);
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
            ["options"] = _optionsNode?.DeepClone(),
            [OptionReader.Stored("cpus-per-task")] = Options.CpusPerTask,
            ["memory"] = Options.Memory,
            ["nodes"] = Options.Nodes,
            ["ntasks"] = Options.Ntasks,
            ["time"] = Options.Time,
        };
        if (Options.Chdir is not null)
        {
            config["chdir"] = Options.Chdir;
        }

        config["debug"] = Options.Debug;
        config[OptionReader.Stored("pre-commands")] = new JsonArray([.. Options.PreCommands.Select(l => (JsonNode?)l)]);
        config[OptionReader.Stored("post-commands")] = new JsonArray([.. Options.PostCommands.Select(l => (JsonNode?)l)]);
        config[OptionReader.Stored("sbatch-options")] = new JsonObject(Options.SbatchOptions.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)(kv.Value ?? string.Empty))));
        config[OptionReader.Stored("sbatch-directory")] = Options.SbatchDirectory;
        config["executable"] = Options.Executable;
        return OptionReader.WithUnknownKeys(config, _extra);
    }

    /// <summary>The job's output file (and its error file when <c>sbatch-options</c> sets <c>error</c>).</summary>
    /// <param name="handle">The job.</param>
    /// <returns>Absolute paths, recorded at submission.</returns>
    public override IReadOnlyList<string> GetLogFiles(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return new[] { handle.MetadataText("output"), handle.MetadataText("error") }
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit()
    {
        var issues = MissingTools("sbatch");
        if (Options.Chdir is { } chdir && !Directory.Exists(chdir))
        {
            issues.Add(new ValidationIssue($"working directory '{chdir}' does not exist", "missing_directory", new Dictionary<string, string> { ["chdir"] = chdir }));
        }

        return issues;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateStatus() => MissingTools("squeue", "sacct", "scancel");

    /// <inheritdoc/>
    protected override async Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = request.Command;
        var chdir = Path.GetFullPath(Options.Chdir ?? Environment.CurrentDirectory);
        var script = SlurmScriptRenderer.Render(Options, Program(), command, chdir);
        var directory = Options.SbatchDirectory is { } configured
            ? Directory.CreateDirectory(Path.GetFullPath(configured)).FullName
            : Directory.CreateTempSubdirectory("flepimop2-slurm-").FullName;
        var scriptPath = Path.Combine(directory, $"{JobKey.Sanitize(script.JobName)}.{JobIds.New()}.sh");
        await File.WriteAllTextAsync(scriptPath, script.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);

        if (request.DryRun)
        {
            var details = new Dictionary<string, string>
            {
                ["script"] = scriptPath,
                ["chdir"] = chdir,
                ["job_name"] = script.JobName,
                ["output"] = script.OutputPattern,
            };
            return new JobDryRun(ShellQuote.Join(SlurmCommandLines.Sbatch(scriptPath)), details);
        }

        var submittedAt = IsoTime.Now(_clock);
        var (jobId, cluster) = await Client().SubmitAsync(scriptPath, cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["script"] = scriptPath,
            ["job_name"] = script.JobName,
            ["chdir"] = chdir,
            ["output"] = SlurmOutputPattern.Expand(script.OutputPattern, jobId, script.JobName, Environment.UserName, chdir),
        };
        if (script.ErrorPattern is { } error)
        {
            metadata["error"] = SlurmOutputPattern.Expand(error, jobId, script.JobName, Environment.UserName, chdir);
        }

        if (cluster is not null)
        {
            metadata["cluster"] = cluster;
        }

        return new JobHandle(jobId, Backend) { SubmittedAt = submittedAt, Metadata = metadata };
    }

    /// <inheritdoc/>
    protected override async Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        (await StatusManyCoreAsync([handle], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Asks Slurm about many jobs: per cluster and per chunk of ids, one <c>squeue</c> and one <c>sacct</c> call (with accounting
    /// off, one <c>scontrol show job</c> per cluster instead of <c>sacct</c>), never one call per job.
    /// </summary>
    /// <param name="handles">The jobs, at least one.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One result per handle, in order.</returns>
    /// <exception cref="JobBackendException">A query failed (timeout, controller down, ...): no status is made up, so callers keep what they knew.</exception>
    protected override async Task<IReadOnlyList<JobStatusResult>> StatusManyCoreAsync(IReadOnlyList<JobHandle> handles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handles);
        var client = Client();
        var results = new JobStatusResult[handles.Count];
        var now = _clock.GetUtcNow();
        foreach (var cluster in handles.Select((handle, index) => (handle, index)).GroupBy(t => t.handle.MetadataText("cluster")))
        {
            var context = new SlurmStatusContext(now, SubmissionGraceWindow, cluster.Key);
            foreach (var (handle, index) in cluster.Where(t => !SbatchParser.IsJobId(t.handle.JobId)))
            {
                results[index] = new JobStatusResult(handle, JobStatus.FinishedUnknown)
                {
                    Detail = new Dictionary<string, JsonNode?> { ["reason"] = $"'{handle.JobId}' is not a Slurm job id" },
                };
            }

            Dictionary<string, SlurmJobRow>? controllerJobs = null;
            var valid = cluster.Where(t => SbatchParser.IsJobId(t.handle.JobId)).ToList();
            foreach (var chunk in valid.Select(t => t.handle.JobId).Distinct(StringComparer.Ordinal).Chunk(StatusChunkSize))
            {
                var queued = await client.QueueAsync(chunk, cluster.Key, cancellationToken).ConfigureAwait(false);
                var accounted = await client.AccountingAsync(chunk, cluster.Key, cancellationToken).ConfigureAwait(false);
                var chunkContext = context;
                if (accounted is null)
                {
                    controllerJobs ??= await client.ControllerJobsAsync(cluster.Key, cancellationToken).ConfigureAwait(false);
                    accounted = controllerJobs;
                    chunkContext = context with
                    {
                        AccountingSource = "scontrol",
                        Note = "accounting is disabled on this cluster; status comes from squeue and scontrol",
                    };
                }

                var ids = chunk.ToHashSet(StringComparer.Ordinal);
                foreach (var (handle, index) in valid.Where(t => ids.Contains(t.handle.JobId)))
                {
                    results[index] = SlurmStatusResolver.Resolve(
                        handle,
                        queued.GetValueOrDefault(handle.JobId),
                        accounted.GetValueOrDefault(handle.JobId),
                        chunkContext);
                }
            }
        }

        return results;
    }

    /// <inheritdoc/>
    protected override async Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        if (!SbatchParser.IsJobId(handle.JobId))
        {
            throw new JobBackendException($"cannot cancel '{handle.JobId}': it is not a Slurm job id");
        }

        await Client().CancelAsync(handle.JobId, handle.MetadataText("cluster"), cancellationToken).ConfigureAwait(false);
    }

    private static string? FindOnPath(string tool) => Executables.Find(tool, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>A scalar option given as text or a number (<c>memory: 1024</c>, <c>time: 30</c>), as text.</summary>
    private static string? ScalarOption(OptionReader reader, string field, string expected)
    {
        var node = reader.Get(field);
        return node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number => OptionReader.ScalarText(v),
            _ => reader.Fail<string?>(Flepimop2ConfigurationException.WrongType(field, expected, OptionReader.Describe(node)), null),
        };
    }

    private static Dictionary<string, string?> ReadSbatchOptions(OptionReader reader)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (reader.Get("sbatch-options"))
        {
            case null:
                return result;
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    result[key] = value switch
                    {
                        // A flag: `exclusive: true`, `exclusive:` or (as stored for the original) `exclusive: ""` becomes `--exclusive`.
                        null => null,
                        JsonValue v when v.GetValueKind() == JsonValueKind.True => null,
                        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0 => null,
                        JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number => OptionReader.ScalarText(v),
                        JsonValue v when v.GetValueKind() == JsonValueKind.False => reader.Fail<string?>(
                            new($"false is not an sbatch value; leave '{key}' out, or use its no- form (for example no-requeue: true)", field: $"sbatch-options.{key}"),
                            null),
                        _ => reader.Fail<string?>(Flepimop2ConfigurationException.WrongType($"sbatch-options.{key}", "a single value", OptionReader.Describe(value)), null),
                    };
                }

                return result;
            case var other:
                return reader.Fail(Flepimop2ConfigurationException.WrongType("sbatch-options", "a mapping of sbatch option names to values", OptionReader.Describe(other)), result);
        }
    }

    private IReadOnlyList<string> Program() => Options.Executable switch
    {
        null => Executables.CurrentProgram(),
        var exe when exe.Contains('/', StringComparison.Ordinal) => [Path.GetFullPath(exe)],

        // A bare name is for the compute node's PATH, which pre-commands may set up; it is not looked up here.
        var exe => [exe],
    };

    private SlurmClient Client() => new(_processes, _clock, CommandTimeout);

    private List<ValidationIssue> MissingTools(params string[] tools) =>
        tools
            .Where(tool => _findTool(tool) is null)
            .Select(tool => new ValidationIssue(
                $"'{tool}' was not found on PATH; the slurm runner needs the Slurm client tools",
                "missing_executable",
                new Dictionary<string, string> { ["executable"] = tool }))
            .ToList();
}
