using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Configuration;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm.Internal;
using Flepimop2.Processes;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Slurm;

/// <summary>
/// Submits jobs to a Slurm cluster: renders a batch script (sorted <c>#SBATCH</c> directives, the command with every token
/// shell-quoted), submits it with <c>sbatch --parsable</c>, and answers status for many jobs with one <c>squeue</c> and one
/// <c>sacct</c> call per chunk of ids. Every tool call has a timeout; transient controller errors are retried with back-off.
/// </summary>
public sealed class SlurmJobRunner : BatchJobRunner
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.job.slurm";

    /// <summary>How many job ids one <c>squeue</c> or <c>sacct</c> call asks about.</summary>
    internal const int StatusChunkSize = 500;

    private static readonly string[] OwnKeys =
    [
        "module", "options", "cpus-per-task", "memory", "nodes", "ntasks", "time", "chdir", "debug",
        "pre-commands", "post-commands", "sbatch-options", "sbatch-directory", "executable", "max-parallel", "requeue",
    ];

    /// <summary>The Slurm tools, with the question a timeout raises first.</summary>
    private static readonly ProcessRunner SlurmProcesses = new(TimeProvider.System, "is the Slurm controller up?");

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The options; Slurm's defaults when null.</param>
    /// <param name="clock">The clock for timestamps, back-off and the grace window; the system clock when null.</param>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; the exception names the field and the value.</exception>
    public SlurmJobRunner(SlurmJobOptions? options = null, TimeProvider? clock = null)
        : this(options ?? new SlurmJobOptions(), [], null, clock ?? TimeProvider.System, SlurmProcesses, FindOnPath)
    {
    }

    internal SlurmJobRunner(SlurmJobOptions options, JsonObject extra, JsonNode? optionsNode, TimeProvider clock, IProcessRunner processes, Func<string, string?> findTool)
        : base(extra, optionsNode, clock, processes, findTool)
    {
        Options = SlurmOptionsValidator.Normalize(options);
    }

    /// <inheritdoc/>
    public override string Module => ModuleName;

    /// <summary>The runner's options, normalized (memory as <c>4G</c>, time as <c>D-HH:MM:SS</c>).</summary>
    public SlurmJobOptions Options { get; }

    /// <inheritdoc/>
    private protected override string? WorkingDirectory => Options.Chdir;

    /// <inheritdoc/>
    private protected override string SubmitTool => "sbatch";

    /// <inheritdoc/>
    private protected override string ToolsNeeded => "the slurm runner needs the Slurm client tools";

    /// <summary>
    /// Builds a runner from its configuration mapping (keys <c>cpus-per-task</c>, <c>memory</c>, <c>nodes</c>, <c>ntasks</c>,
    /// <c>time</c>, <c>chdir</c>, <c>debug</c>, <c>pre-commands</c>, <c>post-commands</c>, <c>sbatch-options</c>,
    /// <c>sbatch-directory</c>, <c>executable</c>, <c>max-parallel</c>, <c>requeue</c>).
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
            Memory = reader.Scalar("memory", "a size like 4G, 500M or a number of megabytes"),
            Nodes = reader.PositiveInt("nodes"),
            Ntasks = reader.PositiveInt("ntasks"),
            Time = reader.Scalar("time", "a Slurm time limit like 30 (minutes), 1:30:00 or 2-12:00:00"),
            Chdir = reader.OptionalString("chdir"),
            Debug = reader.Bool("debug", fallback: false),
            PreCommands = reader.LinesOrBlock("pre-commands"),
            PostCommands = reader.LinesOrBlock("post-commands"),
            SbatchOptions = reader.FlagMap("sbatch-options", "sbatch", ", or use its no- form (for example no-requeue: true)"),
            SbatchDirectory = reader.OptionalString("sbatch-directory"),
            Executable = reader.OptionalString("executable"),
            MaxParallel = reader.PositiveInt("max-parallel"),
            Requeue = reader.OptionalBool("requeue"),
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
            ["options"] = OptionsEntry(),
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
        if (Options.MaxParallel is { } max)
        {
            config[OptionReader.Stored("max-parallel")] = max;
        }

        if (Options.Requeue is { } requeue)
        {
            config["requeue"] = requeue;
        }

        return WithUnknownKeys(config);
    }

    /// <summary>The job's output file (and its error file when <c>sbatch-options</c> sets <c>error</c>); for a sweep, every task's.</summary>
    /// <param name="handle">The job.</param>
    /// <returns>Absolute paths, recorded at submission.</returns>
    public override IReadOnlyList<string> GetLogFiles(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.SweepSize is { } size)
        {
            return [.. Enumerable.Range(0, size).SelectMany(position => GetTaskLogFilesCore(handle, position)).Distinct(StringComparer.Ordinal)];
        }

        return new[] { handle.MetadataText("output"), handle.MetadataText("error") }
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>One task's output file (and error file), from the patterns recorded at submission with its array's id and index.</summary>
    /// <param name="handle">The sweep.</param>
    /// <param name="position">The task's position in the sweep.</param>
    /// <returns>Absolute paths; none when the handle does not record the task's array.</returns>
    protected override IReadOnlyList<string> GetTaskLogFilesCore(JobHandle handle, int position)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (SlurmArray.Of(handle).FirstOrDefault(a => a.Holds(position)) is not { } array || handle.MetadataText("chdir") is not { } chdir)
        {
            return [];
        }

        var name = handle.MetadataText("job_name") ?? string.Empty;
        return new[] { handle.MetadataText("output_pattern"), handle.MetadataText("error_pattern") }
            .OfType<string>()
            .Select(pattern => SlurmOutputPattern.Expand(pattern, array.JobId, name, Environment.UserName, chdir, position - array.First))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> LimitKeys { get; } = new Dictionary<string, string>
    {
        ["memory"] = "memory",
        ["time"] = "time",
        ["cpus-per-task"] = OptionReader.Stored("cpus-per-task"),
    };

    /// <inheritdoc/>
    public override string? Executable => Options.Executable;

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<ValidationIssue>(ValidateSubmit());
        issues.AddRange(SlurmDependencies.From(request, Options).Problems());
        if (!request.IsSweep)
        {
            return issues;
        }

        issues.AddRange(MissingTools("scontrol"));
        foreach (var key in new[] { "output", "error" })
        {
            if (Options.SbatchOptions.GetValueOrDefault(key) is { } pattern && SlurmOutputPattern.NamesOwnId(pattern))
            {
                issues.Add(new ValidationIssue(
                    $"sbatch-options.{key} '{pattern}' names the job's own id (%j), which each task of a sweep gets only when it starts; use %A (the array's id) and %a (the task's index in it)",
                    "invalid_option",
                    new Dictionary<string, string> { [$"sbatch-options.{key}"] = pattern })
                { Field = $"sbatch-options.{key}" });
            }
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
        await RefuseForgottenFailuresAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Tasks is { } tasks)
        {
            return await SubmitSweepAsync(request, tasks, chdir, cancellationToken).ConfigureAwait(false);
        }

        var dependencies = SlurmDependencies.From(request, Options);
        var script = SlurmScriptRenderer.Render(Options, BatchScript.ProgramPrefix(request, Options.Executable), command, chdir);
        var directory = ScriptDirectory();
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
            return new JobDryRun(ShellQuote.Join(SlurmCommandLines.Sbatch(scriptPath, dependencies.Text(), dependencies.Items.Count > 0)), details);
        }

        var submittedAt = IsoTime.Now(Clock);
        var (jobId, cluster) = await Client().SubmitAsync(scriptPath, dependencies.Text(), dependencies.Items.Count > 0, cancellationToken).ConfigureAwait(false);
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

        if (dependencies.Items.Count > 0)
        {
            metadata[SlurmDependencies.MetadataKey] = dependencies.ToMetadata();
        }

        return new JobHandle(jobId, Backend) { SubmittedAt = submittedAt, Metadata = metadata };
    }

    /// <summary>
    /// Slurm takes a dependency on a job its controller no longer holds (one that ended more than <c>MinJobAge</c> ago) as
    /// met, however that job ended: a job that must run only after one that failed long ago would run. Such a submission
    /// is refused, naming the predecessor. One that failed a moment ago is still held, and Slurm ends the dependent job
    /// (<c>--kill-on-invalid-dep</c>), which status then explains. Costs one <c>squeue</c>, and one status round for the
    /// predecessors the controller no longer holds; nothing when no predecessor must succeed.
    /// </summary>
    /// <exception cref="Flepimop2ValidationException">A predecessor that must succeed ended otherwise, long enough ago that Slurm has forgotten it.</exception>
    private async Task RefuseForgottenFailuresAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var mustSucceed = request.After
            .Where(d => d.Condition == DependencyCondition.Succeeded && d.Predecessor.Backend == Backend)
            .Select(d => d.Predecessor)
            .ToList();
        if (mustSucceed.Count == 0)
        {
            return;
        }

        var forgotten = new List<JobHandle>();
        foreach (var cluster in mustSucceed.GroupBy(p => p.MetadataText("cluster")))
        {
            var ids = cluster.SelectMany(SlurmDependencies.IdsOf).Distinct(StringComparer.Ordinal).ToList();
            var held = ids.Count == 0 ? [] : await Client().QueueAsync(ids, cluster.Key, cancellationToken).ConfigureAwait(false);
            forgotten.AddRange(cluster.Where(p => !SlurmDependencies.IdsOf(p).Any(id => held.Keys.Any(k => k == id || k.StartsWith(id + "_", StringComparison.Ordinal)))));
        }

        if (forgotten.Count == 0)
        {
            return;
        }

        var issues = new List<ValidationIssue>();
        foreach (var status in await StatusManyCoreAsync(forgotten, cancellationToken).ConfigureAwait(false))
        {
            if (status.Status.IsFinished() && status.Status != JobStatus.Successful)
            {
                issues.Add(new ValidationIssue(
                    $"{status.Key} did not succeed ({status.Status.ToWireName()}), and this job runs only after it succeeds; Slurm no longer holds {status.Key}, so it would run this job anyway: nothing was submitted (retry {status.Key} first, or use --after-any)",
                    "failed_dependency",
                    new Dictionary<string, string> { ["after"] = status.Key }));
            }
        }

        if (issues.Count > 0)
        {
            throw new Flepimop2ValidationException(issues);
        }
    }

    /// <inheritdoc/>
    protected override async Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        (await StatusManyCoreAsync([handle], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Asks Slurm about many jobs: per cluster and per chunk of ids, one <c>squeue</c> and one <c>sacct</c> call (with accounting
    /// off, one <c>scontrol show job</c> per cluster instead of <c>sacct</c>), never one call per job. A sweep is asked about
    /// by its arrays' ids, which bring every task's line; each task is then decided as an ordinary job would be.
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
        var now = Clock.GetUtcNow();
        foreach (var cluster in handles.Select((handle, index) => (handle, index)).GroupBy(t => t.handle.MetadataText("cluster")))
        {
            var context = new SlurmStatusContext(now, SubmissionGraceWindow, cluster.Key, Requested: RequestedUsage(Options));
            var valid = new List<(JobHandle Handle, int Index, IReadOnlyList<string> Ids)>();
            foreach (var (handle, index) in cluster)
            {
                if (QueryIds(handle) is { Count: > 0 } ids)
                {
                    valid.Add((handle, index, ids));
                    continue;
                }

                var reason = handle.SweepSize is null
                    ? $"'{handle.JobId}' is not a Slurm job id"
                    : "the sweep's record names none of its job arrays (metadata.arrays is missing or damaged)";
                results[index] = new JobStatusResult(handle, JobStatus.FinishedUnknown) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = reason } };
            }

            var queued = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
            var accounted = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
            var accountingOff = false;

            // A job's predecessors are asked about in the same calls, so that status can say which one it waits for or failed by.
            var predecessors = valid.SelectMany(t => SlurmDependencies.Recorded(t.Handle).Values.SelectMany(ids => ids));
            foreach (var chunk in valid.SelectMany(t => t.Ids).Concat(predecessors).Distinct(StringComparer.Ordinal).Chunk(StatusChunkSize))
            {
                Merge(queued, await client.QueueAsync(chunk, cluster.Key, cancellationToken).ConfigureAwait(false));
                if (!accountingOff && await client.AccountingAsync(chunk, cluster.Key, cancellationToken).ConfigureAwait(false) is { } rows)
                {
                    Merge(accounted, rows);
                }
                else if (!accountingOff)
                {
                    // Accounting is off for the whole cluster: one scontrol call answers every chunk.
                    accountingOff = true;
                    accounted = await client.ControllerJobsAsync(cluster.Key, cancellationToken).ConfigureAwait(false);
                }
            }

            if (accountingOff)
            {
                context = context with
                {
                    AccountingSource = "scontrol",
                    Note = "accounting is disabled on this cluster; status comes from squeue and scontrol",
                };
            }

            var failedIds = SlurmDependencies.FailedIds(queued.Values, accounted.Values);
            foreach (var (handle, index, _) in valid)
            {
                results[index] = handle.SweepSize is { } size
                    ? SweepStatus(handle, size, queued, accounted, context, failedIds)
                    : SlurmDependencies.Explain(
                        SlurmStatusResolver.Resolve(handle, queued.GetValueOrDefault(handle.JobId), accounted.GetValueOrDefault(handle.JobId), context),
                        handle,
                        failedIds);
            }
        }

        return results;
    }

    /// <summary>Cancels a job; for a sweep, every array of it in one <c>scancel</c> call.</summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    protected override async Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        if (QueryIds(handle) is not { Count: > 0 } ids)
        {
            throw new JobBackendException(handle.SweepSize is null
                ? $"cannot cancel '{handle.JobId}': it is not a Slurm job id"
                : $"cannot cancel {handle.Key}: its record names none of its job arrays; find them with squeue --me and scancel them");
        }

        await Client().CancelAsync(ids, handle.MetadataText("cluster"), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task CancelTaskCoreAsync(JobHandle handle, int task, CancellationToken cancellationToken)
    {
        if (SlurmArray.Of(handle).FirstOrDefault(a => a.Holds(task)) is not { } array)
        {
            throw new JobBackendException($"cannot cancel task {task} of {handle.Key}: its record names no job array that runs it");
        }

        await Client().CancelAsync([array.TaskId(task)], handle.MetadataText("cluster"), cancellationToken).ConfigureAwait(false);
    }

    private string ScriptDirectory() =>
        Options.SbatchDirectory is { } configured
            ? Directory.CreateDirectory(Path.GetFullPath(configured)).FullName
            : Directory.CreateTempSubdirectory("flepimop2-slurm-").FullName;

    /// <summary>
    /// Submits a sweep as job arrays of at most the cluster's <c>MaxArraySize</c> tasks, all running one script that reads
    /// its task's argv from the task table next to it. With a limit on parallel tasks, each array waits for the one before
    /// it (<c>afterany</c>), so the limit holds for the whole sweep. If one array is refused, those already submitted are
    /// cancelled: nothing runs untracked.
    /// </summary>
    private async Task<JobSubmission> SubmitSweepAsync(JobRequest request, IReadOnlyList<CliCommand> tasks, string chdir, CancellationToken cancellationToken)
    {
        var client = Client();
        var program = BatchScript.ProgramPrefix(request, Options.Executable);
        var dependencies = SlurmDependencies.From(request, Options);
        var limit = request.MaxParallel ?? Options.MaxParallel;
        string? limitNote = null;
        int maxArraySize;
        try
        {
            maxArraySize = await client.MaxArraySizeAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (JobBackendException ex) when (request.DryRun)
        {
            maxArraySize = ScontrolConfigParser.DefaultMaxArraySize;
            limitNote = $"Slurm's default MaxArraySize ({maxArraySize}) was assumed: {ex.Message}";
        }

        var plan = SlurmArray.Plan(tasks.Count, maxArraySize);
        if (limit is not null && plan.Count > 1 && Options.SbatchOptions.GetValueOrDefault("dependency") is { } own && own.Contains('?', StringComparison.Ordinal))
        {
            // sbatch takes either ',' (all of) or '?' (any of) in one dependency list, never both.
            throw new Flepimop2ValidationException([new ValidationIssue(
                $"sbatch-options.dependency '{own}' uses '?' (any of), which cannot be combined with the wait of each array of this sweep for the one before (it has {plan.Count} arrays, more than MaxArraySize {maxArraySize} tasks, and a limit of {limit} at once); use ',' or drop the limit",
                "invalid_option",
                new Dictionary<string, string> { ["sbatch-options.dependency"] = own }) { Field = "sbatch-options.dependency" }]);
        }

        // The compute nodes read the table, so by default it goes under the job's working directory, which they share.
        var directory = Options.SbatchDirectory is { } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(chdir, ".flepimop2_cache", "job", "slurm");
        var (jobName, _) = SlurmScriptRenderer.Names(tasks);
        var stem = Path.Combine(Directory.CreateDirectory(directory).FullName, $"{JobKey.Sanitize(jobName)}.{JobIds.New()}");
        var table = stem + ".tasks";
        var script = SlurmScriptRenderer.RenderSweep(Options, tasks, table, chdir, request.TaskCount);
        TaskTable.Write(table, [.. tasks.Select(t => t.CommandLine(program))], request.TaskIndices);
        var scriptPath = stem + ".sh";
        await File.WriteAllTextAsync(scriptPath, script.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);

        if (request.DryRun)
        {
            var details = new Dictionary<string, string>
            {
                ["script"] = scriptPath,
                ["task_table"] = table,
                ["first_task"] = ShellQuote.Join(tasks[0].CommandLine(program)),
                ["chdir"] = chdir,
                ["job_name"] = script.JobName,
                ["output"] = script.OutputPattern,
                ["tasks"] = tasks.Count.ToString(CultureInfo.InvariantCulture),
                ["arrays"] = string.Join(", ", plan.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.First}-{p.First + p.Count - 1}"))),
                ["max_parallel"] = limit?.ToString(CultureInfo.InvariantCulture) ?? "all",
            };
            if (limitNote is not null)
            {
                details["note"] = limitNote;
            }

            var more = plan.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {plan.Count - 1} more arrays)") : string.Empty;
            return new JobDryRun(ShellQuote.Join(SlurmCommandLines.SbatchArray(scriptPath, plan[0].First, plan[0].Count, limit, dependencies.Text(), dependencies.Items.Count > 0)) + more, details);
        }

        var submittedAt = IsoTime.Now(Clock);
        var arrays = new List<SlurmArray>(plan.Count);
        string? cluster = null;
        try
        {
            foreach (var (first, count) in plan)
            {
                // Each array also waits for the one before it, so that the limit holds across them.
                var dependency = dependencies.Text(limit is not null && arrays.Count > 0 ? arrays[^1].JobId : null);
                var (jobId, submittedTo) = await client.SubmitArrayAsync(scriptPath, first, count, limit, dependency, dependencies.Items.Count > 0, cancellationToken).ConfigureAwait(false);
                cluster ??= submittedTo;
                arrays.Add(new SlurmArray(jobId, first, count));
            }
        }
        catch (Exception ex) when (arrays.Count > 0 && ex is JobBackendException or OperationCanceledException)
        {
            throw await UndoAsync(client, arrays, cluster, ex, cancellationToken).ConfigureAwait(false);
        }

        var metadata = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["script"] = scriptPath,
            ["task_table"] = table,
            ["job_name"] = script.JobName,
            ["chdir"] = chdir,
            ["output_pattern"] = script.OutputPattern,
            [SlurmArray.Key] = SlurmArray.ToJson(arrays),
            [SweepInfo.Key] = SweepInfo.Of(request, limit).ToJson(),
        };
        if (script.ErrorPattern is { } error)
        {
            metadata["error_pattern"] = error;
        }

        if (cluster is not null)
        {
            metadata["cluster"] = cluster;
        }

        if (dependencies.Items.Count > 0)
        {
            metadata[SlurmDependencies.MetadataKey] = dependencies.ToMetadata();
        }

        return new JobHandle(arrays[0].JobId, Backend) { SubmittedAt = submittedAt, Metadata = metadata };
    }

    /// <summary>After a sweep's submission failed part way: cancels the arrays already submitted, and says so in the error.</summary>
    private static async Task<Exception> UndoAsync(SlurmClient client, List<SlurmArray> arrays, string? cluster, Exception failure, CancellationToken cancellationToken)
    {
        var ids = arrays.Select(a => a.JobId).ToList();
        var undo = $"what was already submitted of the sweep (array {string.Join(", ", ids)}) was cancelled, so none of it runs";
        try
        {
            await client.CancelAsync(ids, cluster, CancellationToken.None).ConfigureAwait(false);
        }
        catch (JobBackendException cancel)
        {
            undo = $"what was already submitted of the sweep (array {string.Join(", ", ids)}) could not be cancelled ({cancel.Message}); cancel it with scancel";
        }

        return failure is JobBackendException backend
            ? new JobBackendException($"{backend.Message}; {undo}", backend.Command, backend.ExitCode, backend)
            : new OperationCanceledException($"submission interrupted; {undo}", failure, cancellationToken);
    }

    /// <summary>The ids to ask Slurm about: the job's, or a sweep's arrays'; none when the record holds no usable id.</summary>
    /// <summary>
    /// The limit and memory these options ask Slurm for, as accounting would show them; memory only for a job on one node,
    /// where the request is the job's whole.
    /// </summary>
    private static JobUsage RequestedUsage(SlurmJobOptions options)
    {
        var time = WallTime.TryParse(options.Time, out var limit) ? limit : (WallTime?)null;
        long? memory = options.Nodes is null or 1 && MemoryRequest.TryParse(options.Memory, out var request) ? (long)(request.Kilobytes * 1024) : null;
        return new JobUsage(
            TimeLimit: time is { IsUnlimited: true } ? "UNLIMITED" : time?.ToString(),
            TimeLimitSeconds: time is { IsUnlimited: false } t ? t.TotalSeconds : null,
            ReqMemBytes: memory);
    }

    private static IReadOnlyList<string> QueryIds(JobHandle handle) =>
        handle.SweepSize is null
            ? (SbatchParser.IsJobId(handle.JobId) ? [handle.JobId] : [])
            : [.. SlurmArray.Of(handle).Select(a => a.JobId)];

    private static void Merge(Dictionary<string, SlurmJobRow> into, Dictionary<string, SlurmJobRow> rows)
    {
        foreach (var (id, row) in rows)
        {
            into[id] = row;
        }
    }

    /// <summary>The arrays Slurm answered about: some task of theirs, or a range of them, has a line.</summary>
    private static HashSet<string> KnownArrays(IReadOnlyList<SlurmArray> arrays, Dictionary<string, SlurmJobRow> queued, Dictionary<string, SlurmJobRow> accounted)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var array in arrays)
        {
            for (var task = array.First; task < array.First + array.Count; task++)
            {
                var id = array.TaskId(task);
                if (queued.ContainsKey(id) || accounted.ContainsKey(id))
                {
                    known.Add(array.JobId);
                    break;
                }
            }
        }

        return known;
    }

    /// <summary>Each task of a sweep decided as an ordinary job named by its array task id (<c>4211_17</c>), then the whole.</summary>
    private static JobStatusResult SweepStatus(JobHandle handle, int size, Dictionary<string, SlurmJobRow> queued, Dictionary<string, SlurmJobRow> accounted, SlurmStatusContext context, IReadOnlySet<string> failedIds)
    {
        var arrays = SlurmArray.Of(handle);
        var known = KnownArrays(arrays, queued, accounted);
        var tasks = new SweepTaskStatus[size];
        for (var task = 0; task < size; task++)
        {
            if (arrays.FirstOrDefault(a => a.Holds(task)) is not { } array)
            {
                tasks[task] = new SweepTaskStatus(task, JobStatus.FinishedUnknown)
                {
                    Detail = new Dictionary<string, JsonNode?> { ["reason"] = "the sweep's record names no job array that runs this task" },
                };
                continue;
            }

            var id = array.TaskId(task);
            if (known.Contains(array.JobId) && !queued.ContainsKey(id) && !accounted.ContainsKey(id))
            {
                // Slurm keeps no record of an array task cancelled while pending: it leaves the array's pending range
                // and never gets a line of its own, while its array stays known.
                tasks[task] = new SweepTaskStatus(task, JobStatus.FinishedUnknown)
                {
                    BackendId = id,
                    Detail = new Dictionary<string, JsonNode?>
                    {
                        ["reason"] = $"Slurm knows array {array.JobId} but no longer this task: it was cancelled (or removed) before it started",
                    },
                };
                continue;
            }

            var result = SlurmDependencies.Explain(
                SlurmStatusResolver.Resolve(handle with { JobId = id }, queued.GetValueOrDefault(id), accounted.GetValueOrDefault(id), context),
                handle,
                failedIds);
            tasks[task] = new SweepTaskStatus(task, result.Status)
            {
                BackendId = id,
                ExitCode = result.Status.IsFinished() && JsonText.Int64(result.Detail.GetValueOrDefault("exit_code")) is { } code ? (int)code : null,
                Detail = result.Detail,
            };
        }

        var sweep = new SweepStatus(tasks);
        var detail = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["arrays"] = string.Join(',', arrays.Select(a => a.JobId)),
        };
        if (RetryAdvice.Largest(tasks.Where(t => t.Status.IsFinished()).Select(t => t.Detail)) is { } retry)
        {
            detail[JobDetailKeys.Retry] = retry;
        }

        if (context.Note is { } note)
        {
            detail["note"] = note;
        }

        var whole = new JobStatusResult(handle, sweep.Overall) { Detail = detail, Sweep = sweep };
        return Sweeps.SweepInfo.Of(handle) is { } info ? info.Relabel(whole) : whole;
    }

    private SlurmClient Client() => new(Processes, Clock, CommandTimeout);

}
