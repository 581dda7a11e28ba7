using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Shell;

/// <summary>
/// Runs jobs as local processes: blocking (waits, records the return code) or detached (a new session,
/// output to a log file, exit code recorded when the job ends). Processes are started from an argument
/// list, never a shell command line. A detached job's id is its pid, as the original program's is, so both
/// programs can follow it; the pid is never trusted alone (see <see cref="ShellJobProcess"/>).
/// </summary>
public sealed class ShellJobRunner : JobRunner
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.job.shell";

    private static readonly string[] OwnKeys = ["module", "options", "cwd", "env", "detach", "executable", "log-directory", "max-parallel", "tasks-per-job"];

    private readonly JsonObject _extra;
    private readonly TimeProvider _clock;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The options; defaults when null.</param>
    /// <param name="clock">The clock for timestamps and waits; the system clock when null.</param>
    public ShellJobRunner(ShellJobOptions? options = null, TimeProvider? clock = null)
        : this(options ?? new ShellJobOptions(), [], clock)
    {
    }

    private ShellJobRunner(ShellJobOptions options, JsonObject extra, TimeProvider? clock)
    {
        Options = options;
        _extra = extra;
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public override string Module => ModuleName;

    /// <summary>The runner's options.</summary>
    public ShellJobOptions Options { get; }

    /// <summary>How long cancel waits after SIGTERM before it sends SIGKILL.</summary>
    public TimeSpan CancelGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    private JsonNode? OptionsNode { get; init; }

    /// <summary>
    /// Builds a runner from its configuration mapping (keys <c>cwd</c>, <c>env</c>, <c>detach</c>, <c>executable</c>,
    /// <c>log-directory</c>; <c>log_directory</c> is read too).
    /// </summary>
    /// <param name="configuration">The mapping; unknown keys are kept and written back.</param>
    /// <param name="clock">The clock for timestamps and waits; the system clock when null.</param>
    /// <returns>The runner.</returns>
    public static ShellJobRunner FromConfiguration(JsonObject configuration, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new OptionReader(configuration);
        var options = new ShellJobOptions
        {
            Cwd = reader.OptionalString("cwd"),
            Env = reader.StringMap("env"),
            Detach = reader.Bool("detach", fallback: true),
            Executable = reader.OptionalString("executable"),
            LogDirectory = reader.OptionalString("log-directory"),
            MaxParallel = reader.PositiveInt("max-parallel"),
            TasksPerJob = reader.PositiveInt("tasks-per-job"),
        };
        reader.ThrowIfAny();
        var extra = OptionReader.UnknownKeys(configuration, OwnKeys);
        return new ShellJobRunner(options, extra, clock) { OptionsNode = configuration["options"]?.DeepClone() };
    }

    /// <summary>The configuration as the original writes it (<c>module</c>, <c>options</c>, <c>cwd</c>, <c>env</c>, <c>detach</c>), plus <c>executable</c> and <c>log_directory</c>.</summary>
    /// <returns>A new JSON object.</returns>
    public override JsonObject ToConfiguration()
    {
        var config = new JsonObject
        {
            ["module"] = ModuleName,
            ["options"] = OptionsNode?.DeepClone(),
            ["cwd"] = Options.Cwd,
            ["env"] = Options.Env is null ? null : new JsonObject(Options.Env.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["detach"] = Options.Detach,
            ["executable"] = Options.Executable,
            [OptionReader.Stored("log-directory")] = Options.LogDirectory,
        };
        if (Options.MaxParallel is { } max)
        {
            config[OptionReader.Stored("max-parallel")] = max;
        }

        if (Options.TasksPerJob is { } packed)
        {
            config[OptionReader.Stored("tasks-per-job")] = packed;
        }

        return OptionReader.WithUnknownKeys(config, _extra);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> GetLogFiles(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return ShellRecord.Of(handle).Log is { } log ? [log] : [];
    }

    /// <inheritdoc/>
    public override string? Executable => Options.Executable;

    /// <inheritdoc/>
    public override string NoLogFilesReason(JobHandle handle) =>
        handle is not null && ShellRecord.IsBlockingJob(handle)
            ? "a blocking job's output went to the terminal that submitted it"
            : "it was started by a program that does not keep a detached job's output (the original flepimop2)";

    /// <summary>The job's PATH (from <c>env</c> when set) and its working directory.</summary>
    /// <returns>The environment.</returns>
    public override JobEnvironment? PredictEnvironment() =>
        new(SearchPath(), Path.GetFullPath(Options.Cwd ?? Environment.CurrentDirectory));

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit() => Issues(needsExecutable: true);

    /// <summary>What every submission needs; the configured executable only when a command runs flepimop2.</summary>
    private List<ValidationIssue> Issues(bool needsExecutable)
    {
        var issues = new List<ValidationIssue>();
        if (Options.Cwd is { } cwd && !Directory.Exists(cwd))
        {
            issues.Add(Issue($"working directory '{cwd}' does not exist", "missing_directory", "cwd", cwd));
        }

        if (needsExecutable && Options.Executable is { } exe && ResolveExecutable(exe) is null)
        {
            issues.Add(Issue(
                exe.Contains('/', StringComparison.Ordinal) ? $"'{exe}' is not an executable file" : $"'{exe}' was not found on PATH",
                "missing_executable",
                "executable",
                exe));
        }

        foreach (var (key, value) in Options.Env ?? new Dictionary<string, string>())
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                issues.Add(Issue($"'{key}' cannot be an environment variable name (it must be non-empty, without '=' or NUL)", "invalid_environment", $"env.{key}", key));
            }
            else if (value.Contains('\0', StringComparison.Ordinal))
            {
                issues.Add(Issue("an environment value cannot hold a NUL character", "invalid_environment", $"env.{key}", key));
            }
        }

        if (Options.Detach)
        {
            if (ShellRunDirectory.Problem(LogRoot()) is { } problem)
            {
                issues.Add(Issue(problem, "unwritable_directory", "log-directory", LogRoot()));
            }

            foreach (var tool in new[] { "setsid", "sh", "mv" })
            {
                if (FindTool(tool) is null)
                {
                    issues.Add(Issue($"'{tool}' is needed to start detached jobs and was not found on PATH", "missing_executable", null, tool));
                }
            }
        }

        return issues;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A program started as it is (job run) does not go through the executable, so one that is missing is no matter.
        var issues = Issues(needsExecutable: request.RunsFlepimop2);
        if (request.After.Count > 0 && !request.IsSweep && FindTool("bash") is null)
        {
            issues.Add(Issue("'bash' waits for a job's predecessors and was not found on PATH", "missing_executable", null, "bash"));
        }

        if (!Options.Detach)
        {
            // A blocking job runs now, in the submitter: it cannot wait for a job that has not ended.
            foreach (var dependency in request.After.Where(d => d.Handle.Backend == "shell"))
            {
                var status = ShellPredecessors.Status(dependency.Handle).Status;
                if (!status.IsFinished())
                {
                    issues.Add(new ValidationIssue(
                        $"{dependency.Handle.Key} has not finished ({status.ToWireName()}), and a blocking job cannot wait for it; use a detached runner (detach: true), or 'flepimop2 job wait {dependency.Handle.Key}' first",
                        "unfinished_dependency",
                        new Dictionary<string, string> { ["after"] = dependency.Handle.Key }));
                }
                else if (dependency.Condition == DependencyCondition.Succeeded && status != JobStatus.Successful)
                {
                    issues.Add(new ValidationIssue(
                        $"{dependency.Handle.Key} did not succeed ({status.ToWireName()}), and this job runs only after it succeeds; use --after-any to run it however {dependency.Handle.Key} ended",
                        "failed_dependency",
                        new Dictionary<string, string> { ["after"] = dependency.Handle.Key }));
                }
            }
        }

        if (request.IsSweep)
        {
            foreach (var (tool, role) in new[] { ("bash", "'bash' (4.4 or later) runs a sweep's tasks"), ("tail", "'tail' reads a sweep's task table"), ("head", "'head' reads a sweep's task table") })
            {
                if (FindTool(tool) is null)
                {
                    issues.Add(Issue($"{role} and was not found on PATH", "missing_executable", null, tool));
                }
            }
        }

        return issues;
    }

    /// <inheritdoc/>
    protected override async Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = request.Command;
        var prefix = ProgramPrefix(request);
        var argv = command.CommandLine(prefix);
        var cwd = Path.GetFullPath(Options.Cwd ?? Environment.CurrentDirectory);
        if (request.Tasks is { } tasks)
        {
            return await SubmitSweepAsync(request, tasks, prefix, cwd, cancellationToken).ConfigureAwait(false);
        }

        if (request.DryRun)
        {
            var details = new Dictionary<string, string>
            {
                ["mode"] = ShellRecord.ModeOf(Options.Detach),
                ["cwd"] = cwd,
                ["executable"] = argv[0],
            };
            if (Options.Detach)
            {
                details["log"] = Path.Combine(LogRoot(), "shell-PID", ShellRecorder.LogFileName);
            }

            return new JobDryRun(ShellQuote.Join(argv), details);
        }

        if (!Options.Detach)
        {
            return await BlockingShellJobs.RunAsync(Spec(argv, cwd), _clock, CancelGracePeriod, cancellationToken).ConfigureAwait(false);
        }

        var logRoot = LogRoot();
        var recorder = request.After.Count > 0
            ? ShellRecorder.WaitingArgv(FindTool("setsid")!, FindTool("bash")!, FindTool("mv")!, logRoot, ShellRecorder.Recorder(), argv)
            : ShellRecorder.Argv(FindTool("setsid")!, FindTool("sh")!, FindTool("mv")!, logRoot, ShellRecorder.Recorder(), argv);
        return await Detached().StartAsync(Spec(recorder, cwd) with { RedirectInput = true }, logRoot, request.After, request.BeforeRelease, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The configured executable (found on the job's PATH) or this program; nothing for a program of <c>job run</c>.</summary>
    internal override IReadOnlyList<string> ProgramPrefix(JobRequest request) =>
        !request.RunsFlepimop2 ? [] : Options.Executable is { } exe ? [ResolveExecutable(exe) ?? exe] : Executables.CurrentProgram();

    /// <summary>The runner's <c>env</c>, which replaces the job's whole environment; none when unset (the job inherits).</summary>
    internal override IReadOnlyDictionary<string, string> ConfiguredEnvironment => Options.Env ?? base.ConfiguredEnvironment;

    /// <summary>What the record names, or for a blocking job (which keeps no files) a directory of its own beside the detached jobs'.</summary>
    internal override string? RunDirectory(JobHandle handle) =>
        base.RunDirectory(handle) ?? (ShellRecord.IsBlockingJob(handle) ? Path.Combine(LogRoot(), handle.Key) : null);

    /// <inheritdoc/>
    protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(
            SweepInfo.Of(handle) is { } sweep ? ShellSweeps.Status(handle, sweep)
            : ShellRecord.IsBlockingJob(handle) ? ShellStates.Blocking(handle)
            : DetachedShellJobs.Status(handle, _clock));

    /// <inheritdoc/>
    protected override IReadOnlyList<string> GetTaskLogFilesCore(JobHandle handle, int position) => ShellSweeps.TaskLogFiles(handle, position);

    /// <inheritdoc/>
    protected override string? GetTaskTable(JobHandle handle) =>
        (handle is null ? null : ShellRecord.Of(handle).RunDirectory) is { } directory ? Path.Combine(directory, "table") : null;

    /// <inheritdoc/>
    protected override Task CancelTaskCoreAsync(JobHandle handle, int position, CancellationToken cancellationToken) =>
        new ShellSweeps(_clock, CancelGracePeriod).CancelTaskAsync(handle, SweepInfo.Of(handle)!, position, cancellationToken);

    /// <summary>
    /// Stops a detached job: SIGTERM to its process group, then SIGKILL after <see cref="CancelGracePeriod"/> (at once when
    /// the wait is cancelled), and waits until it is gone. Never signals a process that cannot be the job.
    /// </summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cuts the grace period short: the job is killed at once, then the cancellation is thrown.</param>
    /// <returns>A task.</returns>
    /// <exception cref="JobBackendException">The handle names a process that cannot be the job; nothing was signalled.</exception>
    protected override Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        SweepInfo.Of(handle) is { } sweep ? new ShellSweeps(_clock, CancelGracePeriod).CancelAsync(handle, sweep, cancellationToken)
        : ShellRecord.IsBlockingJob(handle) ? Task.CompletedTask
        : Detached().CancelAsync(handle, cancellationToken);

    private static string? FindTool(string tool) => Executables.Find(tool, Environment.GetEnvironmentVariable("PATH"));

    private static ValidationIssue Issue(string message, string kind, string? field, string value) =>
        new(message, kind, new Dictionary<string, string> { [field ?? "executable"] = value }) { Field = field };

    private string? SearchPath() => Options.Env is { } env ? env.GetValueOrDefault("PATH") : Environment.GetEnvironmentVariable("PATH");

    private string? ResolveExecutable(string exe) =>
        Executables.Find(exe, SearchPath(), Path.GetFullPath(Options.Cwd ?? Environment.CurrentDirectory));

    private string LogRoot() => Path.GetFullPath(Options.LogDirectory ?? Path.Combine(".flepimop2_cache", "job", "logs"));

    private ProcessSpec Spec(IReadOnlyList<string> argv, string cwd) =>
        new(argv) { WorkingDirectory = cwd, Environment = WithoutTaskVariables(Options.Env) };

    /// <summary>
    /// The job's environment without a sweep task's two variables: a job submitted from inside a sweep's task must not
    /// believe it is that task (a sweep's supervisor sets them for each of its own tasks). Null (the caller's environment as
    /// it is) when there is nothing to take out.
    /// </summary>
    private static IReadOnlyDictionary<string, string>? WithoutTaskVariables(IReadOnlyDictionary<string, string>? configured)
    {
        string[] names = [TaskTable.IndexVariable, TaskTable.CountVariable];
        if (configured is not null)
        {
            return names.Any(configured.ContainsKey) ? configured.Where(kv => !names.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal) : configured;
        }

        if (names.All(n => Environment.GetEnvironmentVariable(n) is null))
        {
            return null;
        }

        return Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => !names.Contains((string)e.Key))
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);
    }

    private DetachedShellJobs Detached() => new(_clock, CancelGracePeriod);

    /// <summary>
    /// The program that supervises a sweep itself (<see cref="SweepSupervisor"/>): this one when it is flepimop2. A program of
    /// its own that uses this library gets the bash supervisor (<see cref="ShellSupervisor"/>), with each task under the
    /// exit recorder of the flepimop2 found on PATH, if any: a flepimop2 there may be of another version.
    /// </summary>
    private static IReadOnlyList<string>? SweepProgram() =>
        AppDomain.CurrentDomain.FriendlyName == "flepimop2" ? Executables.CurrentProgram() : null;

    private async Task<JobSubmission> SubmitSweepAsync(JobRequest request, IReadOnlyList<CliCommand> tasks, IReadOnlyList<string> prefix, string cwd, CancellationToken cancellationToken)
    {
        IReadOnlyList<IReadOnlyList<string>> argvs = [.. tasks.Select(t => t.CommandLine(prefix))];
        // A local pool is bounded: by default one slot per CPU, not a thousand processes at once.
        var limit = request.MaxParallel ?? Options.MaxParallel ?? Environment.ProcessorCount;

        // A pack larger than the sweep is the whole sweep in one slot.
        var perSlot = Math.Min(request.TasksPerJob ?? Options.TasksPerJob ?? 1, tasks.Count);
        var logRoot = LogRoot();
        if (request.DryRun)
        {
            var details = new Dictionary<string, string>
            {
                ["mode"] = ShellRecord.ModeOf(Options.Detach),
                ["cwd"] = cwd,
                ["tasks"] = tasks.Count.ToString(CultureInfo.InvariantCulture),
                ["max_parallel"] = limit.ToString(CultureInfo.InvariantCulture),
                ["task_logs"] = Path.Combine(logRoot, "shell-PID", "tasks", "INDEX.log"),
            };
            var packing = string.Empty;
            if (perSlot > 1)
            {
                var slots = Packing.Slots(tasks.Count, perSlot);
                details["tasks_per_job"] = perSlot.ToString(CultureInfo.InvariantCulture);
                details["slots"] = slots.ToString(CultureInfo.InvariantCulture);
                packing = string.Create(CultureInfo.InvariantCulture, $" in {slots} {(slots == 1 ? "slot" : "slots")} of at most {perSlot} run one after another");
            }

            return new JobDryRun($"{tasks.Count} tasks{packing}, the first: {ShellQuote.Join(argvs[0])}", details);
        }

        var setsid = Options.Detach ? FindTool("setsid") : null;
        var reported = request.TaskCount ?? tasks.Count;
        var program = SweepProgram();
        var supervisor = program is not null
            ? SweepSupervisor.Argv(setsid, program, logRoot, FindTool("mv")!, FindTool("bash")!, tasks.Count, limit, reported, perSlot)
            : ShellSupervisor.Argv(setsid, FindTool("bash")!, FindTool("mv")!, logRoot, tasks.Count, limit, reported, ShellRecorder.Recorder(), perSlot);

        // The .NET runtime keeps copies of a process's standard output and error: the supervisor's must not be this
        // program's, or whatever reads this program's output to its end would wait for the sweep.
        return await new ShellSweeps(_clock, CancelGracePeriod)
            .StartAsync(Spec(supervisor, cwd) with { CaptureOutput = program is not null }, logRoot, argvs, SweepInfo.Of(request, limit, perSlot), Options.Detach, request.After, request.BeforeRelease, cancellationToken)
            .ConfigureAwait(false);
    }
}
