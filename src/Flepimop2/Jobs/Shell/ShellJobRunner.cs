using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Configuration;
using Flepimop2.Internal;
using Flepimop2.Jobs.Shell.Internal;

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

    /// <summary>ENOSPC, as .NET reports it in <see cref="Exception.HResult"/> on Linux.</summary>
    private const int NoSpaceLeft = 28;

    private static readonly string[] OwnKeys = ["module", "options", "cwd", "env", "detach", "executable", "log-directory"];

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
    /// <returns>The runner.</returns>
    public static ShellJobRunner FromConfiguration(JsonObject configuration)
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
        };
        var extra = OptionReader.UnknownKeys(configuration, OwnKeys);
        return new ShellJobRunner(options, extra, clock: null) { OptionsNode = configuration["options"]?.DeepClone() };
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
        return OptionReader.WithUnknownKeys(config, _extra);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> GetLogFiles(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.MetadataText("log") is { } log ? [log] : [];
    }

    /// <summary>The job's PATH (from <c>env</c> when set) and its working directory.</summary>
    /// <returns>The environment.</returns>
    public override JobEnvironment? PredictEnvironment() =>
        new(SearchPath(), Path.GetFullPath(Options.Cwd ?? Environment.CurrentDirectory));

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit()
    {
        var issues = new List<ValidationIssue>();
        if (Options.Cwd is { } cwd && !Directory.Exists(cwd))
        {
            issues.Add(Issue($"working directory '{cwd}' does not exist", "missing_directory", "cwd", cwd));
        }

        if (Options.Executable is { } exe && ResolveExecutable(exe) is null)
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
            if (LogDirectoryProblem() is { } problem)
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
    protected override async Task<JobSubmission> SubmitCoreAsync(CliCommand command, bool dryRun, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> prefix = Options.Executable is { } exe ? [ResolveExecutable(exe)!] : Executables.CurrentProgram();
        string[] argv = [.. prefix, command.CommandName, .. command.ToArgv()];
        var cwd = Path.GetFullPath(Options.Cwd ?? Environment.CurrentDirectory);

        if (dryRun)
        {
            var details = new Dictionary<string, string>
            {
                ["mode"] = Options.Detach ? "detached" : "blocking",
                ["cwd"] = cwd,
                ["executable"] = argv[0],
            };
            if (Options.Detach)
            {
                details["log"] = Path.Combine(LogRoot(), "shell-PID", ShellRecorder.LogFileName);
            }

            return new JobDryRun(ShellQuote.Join(argv), details);
        }

        return Options.Detach
            ? StartDetached(argv, cwd)
            : await RunBlockingAsync(argv, cwd, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(Status(handle));

    /// <summary>
    /// Stops a detached job: SIGTERM to its process group, then SIGKILL after <see cref="CancelGracePeriod"/> (at once when
    /// the wait is cancelled), and waits until it is gone. Never signals a process that cannot be the job.
    /// </summary>
    /// <param name="handle">The job.</param>
    /// <param name="cancellationToken">Cuts the grace period short: the job is killed at once, then the cancellation is thrown.</param>
    /// <returns>A task.</returns>
    /// <exception cref="JobBackendException">The handle names a process that cannot be the job; nothing was signalled.</exception>
    protected override async Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        if (handle.MetadataText("mode") == "blocking" || ReadExitCode(handle.MetadataText("exit_file")) is not null)
        {
            return;
        }

        var check = Judge(handle);
        switch (check.Verdict)
        {
            case ShellProcessVerdict.Refused or ShellProcessVerdict.NoPid:
                throw new JobBackendException($"cannot cancel {handle.Key}: {check.Reason}; nothing was signalled");
            case ShellProcessVerdict.NotTheJob or ShellProcessVerdict.Ended:
                return;
        }

        var exitFile = handle.MetadataText("exit_file");
        if (exitFile is not null)
        {
            AtomicFile.WriteAllText(CancelledMarker(exitFile), IsoTime.Format(_clock.GetUtcNow()) + "\n");
        }

        var pid = check.Pid;
        var group = check.Probe.ProcessGroup == pid;
        Signal(pid, group, Posix.SigTerm);
        try
        {
            var deadline = _clock.GetTimestamp();
            while (Judge(handle).Verdict == ShellProcessVerdict.Running && _clock.GetElapsedTime(deadline) < CancelGracePeriod)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), _clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Asked to stop waiting: the job must not be left running, so it is killed now rather than after the grace.
            await KillAsync(handle, pid, group, exitFile).ConfigureAwait(false);
            throw;
        }

        if (Judge(handle).Verdict == ShellProcessVerdict.Running)
        {
            await KillAsync(handle, pid, group, exitFile).ConfigureAwait(false);
        }
        else if (group)
        {
            // The job ended on SIGTERM; children it started into its group that ignored it go now.
            Signal(pid, group: true, Posix.SigKill);
        }
    }

    private static string CancelledMarker(string exitFile) => exitFile + ".cancelled";

    private static ShellProcessCheck Judge(JobHandle handle)
    {
        var pid = ShellJobProcess.RecordedPid(handle);
        var probe = pid is > 1 and <= int.MaxValue ? ProcessProbe.Read((int)pid.Value) : default;
        return ShellJobProcess.Judge(handle, probe, (Environment.ProcessId, Posix.ProcessGroup(), Posix.Session()), ProcessProbe.BootId);
    }

    private static void Signal(int pid, bool group, int signal)
    {
        if (group)
        {
            Posix.SignalGroup(pid, signal);
        }
        else
        {
            Posix.SignalProcess(pid, signal);
        }
    }

    private static JobStatusResult Status(JobHandle handle)
    {
        if (handle.MetadataText("mode") == "blocking")
        {
            var code = JsonText.Int64(handle.Metadata.GetValueOrDefault("returncode"))
                ?? (long.TryParse(handle.JobId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var legacy) ? legacy : null);
            if (code is null)
            {
                return new JobStatusResult(handle, JobStatus.FinishedUnknown) { Detail = Detail(("reason", "the handle has no return code")) };
            }

            var cancelled = handle.Metadata.GetValueOrDefault("cancelled") is JsonValue flag && flag.TryGetValue<bool>(out var yes) && yes;
            return new JobStatusResult(handle, code == 0 ? JobStatus.Successful : JobStatus.Failed)
            {
                Detail = Detail(
                    ("returncode", code.Value),
                    ("pid", handle.Metadata.GetValueOrDefault("pid")?.DeepClone()),
                    ("state", "exited"),
                    ("cancelled", cancelled && code != 0 ? true : null),
                    ("signal", cancelled && code > 128 ? code - 128 : null)),
            };
        }

        var exitFile = handle.MetadataText("exit_file");
        if (ReadExitCode(exitFile) is { } recorded)
        {
            return Finished(handle, recorded, exitFile!);
        }

        var check = Judge(handle);
        if (check.Verdict == ShellProcessVerdict.Running)
        {
            return new JobStatusResult(handle, JobStatus.Running) { Detail = Detail(("pid", check.Pid), ("state", check.Probe.StateName)) };
        }

        // The process ended between the first look at the exit file and the probe: look again.
        if (ReadExitCode(exitFile) is { } late)
        {
            return Finished(handle, late, exitFile!);
        }

        var reason = check.Verdict switch
        {
            ShellProcessVerdict.NoPid or ShellProcessVerdict.Refused => check.Reason!,
            _ when exitFile is null => check.Verdict == ShellProcessVerdict.NotTheJob
                ? $"the job has ended; {check.Reason}; it was started by a program that keeps no exit-code record (the original flepimop2)"
                : "the job has ended; it was started by a program that keeps no exit-code record (the original flepimop2)",
            ShellProcessVerdict.NotTheJob => $"the process has ended without recording its exit code; {check.Reason}",
            _ => "the process has ended without recording its exit code (its recorder was killed)",
        };
        return new JobStatusResult(handle, JobStatus.FinishedUnknown)
        {
            Detail = Detail(
                ("pid", check.Pid > 0 ? check.Pid : null),
                ("state", check.Verdict switch
                {
                    ShellProcessVerdict.NotTheJob => "pid reused",
                    ShellProcessVerdict.Ended => check.Probe.Exists ? check.Probe.StateName : "gone",
                    _ => null,
                }),
                ("reason", reason)),
        };
    }

    private static JobStatusResult Finished(JobHandle handle, int code, string exitFile)
    {
        var detail = Detail(("returncode", code), ("pid", ShellJobProcess.RecordedPid(handle)), ("state", "exited"));
        if (code != 0 && File.Exists(CancelledMarker(exitFile)))
        {
            detail["cancelled"] = true;
            if (code > 128)
            {
                detail["signal"] = code - 128;
            }
        }

        return new JobStatusResult(handle, code == 0 ? JobStatus.Successful : JobStatus.Failed) { Detail = detail };
    }

    private static Dictionary<string, JsonNode?> Detail(params (string Key, JsonNode? Value)[] items) =>
        items.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => i.Value);

    private static int? ReadExitCode(string? exitFile)
    {
        if (exitFile is null)
        {
            return null;
        }

        try
        {
            var text = System.Text.Encoding.UTF8.GetString(SafeFile.ReadAllBytes(exitFile, followLinks: false, maxBytes: 64));
            return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? FindTool(string tool) => Executables.Find(tool, Environment.GetEnvironmentVariable("PATH"));

    private static ValidationIssue Issue(string message, string kind, string? field, string value) =>
        new(message, kind, new Dictionary<string, string> { [field ?? "executable"] = value }) { Field = field };

    /// <summary>Kills what is left of the job and, once it is gone, writes the exit record its killed recorder could not.</summary>
    private async Task KillAsync(JobHandle handle, int pid, bool group, string? exitFile)
    {
        Signal(pid, group, Posix.SigKill);
        var started = _clock.GetTimestamp();
        while (Judge(handle).Verdict == ShellProcessVerdict.Running && _clock.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _clock, CancellationToken.None).ConfigureAwait(false);
        }

        if (exitFile is not null && ReadExitCode(exitFile) is null && Judge(handle).Verdict != ShellProcessVerdict.Running)
        {
            // What a shell reports for a process killed by SIGKILL.
            AtomicFile.WriteAllText(exitFile, "137\n");
        }
    }

    private string? SearchPath() => Options.Env is { } env ? env.GetValueOrDefault("PATH") : Environment.GetEnvironmentVariable("PATH");

    private string? ResolveExecutable(string exe) =>
        Executables.Find(exe, SearchPath(), Path.GetFullPath(Options.Cwd ?? Environment.CurrentDirectory));

    private string LogRoot() => Path.GetFullPath(Options.LogDirectory ?? Path.Combine(".flepimop2_cache", "job", "logs"));

    /// <summary>Why detached jobs could not keep their output under the log directory, or null when they can.</summary>
    private string? LogDirectoryProblem()
    {
        var root = LogRoot();
        var existing = root;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                return $"'{existing}' is a file, so the log directory '{root}' cannot be created";
            }

            existing = Path.GetDirectoryName(existing);
            if (existing is null)
            {
                return $"the log directory '{root}' cannot be created";
            }
        }

        try
        {
            AtomicFile.Probe(existing);
            return null;
        }
        catch (IOException ex) when (ex.HResult == NoSpaceLeft)
        {
            // A full disk is not a mistake in the configuration; the store's own check before submitting reports it.
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"the log directory '{root}' cannot be written: {ex.Message}";
        }
    }

    /// <summary>Waits (briefly) until <c>setsid</c> has made the job its own process group, so that a cancel right after
    /// submission signals the job's group and nothing else.</summary>
    private ProcessProbe WaitForOwnSession(int pid)
    {
        var started = _clock.GetTimestamp();
        var probe = ProcessProbe.Read(pid);
        while (probe.Exists && probe.ProcessGroup != pid && _clock.GetElapsedTime(started) < TimeSpan.FromSeconds(2))
        {
            Thread.Sleep(1);
            probe = ProcessProbe.Read(pid);
        }

        return probe;
    }

    private ProcessStartInfo StartInfo(IReadOnlyList<string> argv, string cwd)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, WorkingDirectory = cwd };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        if (Options.Env is { } env)
        {
            start.Environment.Clear();
            foreach (var (key, value) in env)
            {
                start.Environment[key] = value;
            }
        }

        return start;
    }

    private async Task<JobHandle> RunBlockingAsync(string[] argv, string cwd, CancellationToken cancellationToken)
    {
        var submittedAt = IsoTime.Now(_clock);
        using var process = Process.Start(StartInfo(argv, cwd))
            ?? throw new JobBackendException($"could not start '{argv[0]}'", ShellQuote.Join(argv));
        var cancelled = false;
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The job runs in this program's process group: without this, it would go on alone, unrecorded.
            cancelled = true;
            await ProcessTree.StopAsync(process, CancelGracePeriod, _clock).ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var metadata = new Dictionary<string, JsonNode?>
        {
            ["mode"] = "blocking",
            ["returncode"] = process.ExitCode,
            ["pid"] = process.Id,
        };
        if (cancelled)
        {
            metadata["cancelled"] = true;
        }

        return new JobHandle(JobIds.New(), "shell") { SubmittedAt = submittedAt, Metadata = metadata };
    }

    private JobHandle StartDetached(string[] argv, string cwd)
    {
        var logRoot = LogRoot();
        Directory.CreateDirectory(logRoot);
        var recorder = ShellRecorder.Argv(FindTool("setsid")!, FindTool("sh")!, FindTool("mv")!, logRoot, argv);
        var start = StartInfo(recorder, cwd);
        start.RedirectStandardInput = true;
        var submittedAt = IsoTime.Now(_clock);
        using var process = Process.Start(start)
            ?? throw new JobBackendException($"could not start '{argv[0]}'", ShellQuote.Join(argv));
        using var names = process.StandardInput;
        var probe = WaitForOwnSession(process.Id);
        var (id, directory) = ClaimRunDirectory(logRoot, process.Id);

        // The recorder waits for this name; if anything above failed, closing its input ends it before the job starts.
        names.Write(Path.GetFileName(directory) + "\n");
        names.Close();
        var metadata = new Dictionary<string, JsonNode?>
        {
            ["mode"] = "detached",
            ["pid"] = process.Id,
            ["start_time"] = probe.Exists ? probe.StartTicks : -1,
            ["boot_id"] = ProcessProbe.BootId,
            ["log"] = Path.Combine(directory, ShellRecorder.LogFileName),
            ["exit_file"] = Path.Combine(directory, ShellRecorder.ExitFileName),
        };
        return new JobHandle(id, "shell") { SubmittedAt = submittedAt, Metadata = metadata };
    }

    /// <summary>
    /// Claims the job's directory <c>shell-{pid}</c> (the job id is the pid, as the original's is); a pid that an earlier job
    /// in this log directory had gets a suffix (<c>{pid}.2</c>), so no job's record is ever overwritten.
    /// </summary>
    internal static (string Id, string Directory) ClaimRunDirectory(string logRoot, int pid)
    {
        for (var n = 1; n < 10_000; n++)
        {
            var id = n == 1 ? pid.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{pid}.{n}");
            var directory = Path.Combine(logRoot, JobKey.For("shell", id));
            var errno = Posix.MakeDirectory(directory);
            if (errno == 0)
            {
                return (id, directory);
            }

            if (errno != Posix.Eexist)
            {
                throw new JobStoreException(directory, $"cannot create the job's log directory '{directory}': {Posix.Describe(errno)}");
            }
        }

        throw new JobStoreException(logRoot, $"every name for job {pid} is taken in '{logRoot}'");
    }
}
