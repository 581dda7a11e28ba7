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
/// list, never a shell command line.
/// </summary>
public sealed class ShellJobRunner : JobRunner
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.job.shell";

    // Runs as `sh -c SCRIPT flepimop2-job EXIT_FILE LOG argv...`: the job's argv arrives as positional
    // parameters, so no part of it is ever read by the shell. Trapping (not ignoring) the signals keeps
    // this recorder alive while the job (which gets default dispositions back) dies, so the exit code is
    // written even when the job is cancelled.
    private const string RecorderScript =
        "exit_file=$1; log=$2; shift 2\n" +
        "exec </dev/null >>\"$log\" 2>&1\n" +
        "trap 'caught=1' HUP INT TERM\n" +
        "\"$@\"\n" +
        "rc=$?\n" +
        "printf '%s\\n' \"$rc\" >\"$exit_file.tmp\" && mv -f \"$exit_file.tmp\" \"$exit_file\"\n";

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

    /// <summary>Builds a runner from its configuration mapping (keys <c>cwd</c>, <c>env</c>, <c>detach</c>, <c>executable</c>, <c>log-directory</c>).</summary>
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

    private JsonNode? OptionsNode { get; init; }

    /// <inheritdoc/>
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
            ["log-directory"] = Options.LogDirectory,
        };
        return OptionReader.WithUnknownKeys(config, _extra);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> GetLogFiles(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.MetadataText("log") is { } log ? [log] : [];
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit()
    {
        var issues = new List<ValidationIssue>();
        if (Options.Cwd is { } cwd && !Directory.Exists(cwd))
        {
            issues.Add(new ValidationIssue($"working directory '{cwd}' does not exist", "missing_directory", new Dictionary<string, string> { ["cwd"] = cwd }));
        }

        if (Options.Executable is { } exe && ResolveExecutable(exe) is null)
        {
            issues.Add(new ValidationIssue(
                exe.Contains('/', StringComparison.Ordinal) ? $"'{exe}' is not an executable file" : $"'{exe}' was not found on PATH",
                "missing_executable",
                new Dictionary<string, string> { ["executable"] = exe }));
        }

        if (Options.Detach)
        {
            foreach (var tool in new[] { "setsid", "sh" })
            {
                if (Executables.Find(tool, Environment.GetEnvironmentVariable("PATH")) is null)
                {
                    issues.Add(new ValidationIssue($"'{tool}' is needed to start detached jobs and was not found on PATH", "missing_executable", new Dictionary<string, string> { ["executable"] = tool }));
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
        var id = JobIds.New();

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
                details["log"] = RunPaths(id).Log;
            }

            return new JobDryRun(ShellQuote.Join(argv), details);
        }

        return Options.Detach
            ? StartDetached(id, argv, cwd)
            : await RunBlockingAsync(id, argv, cwd, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
        Task.FromResult(Status(handle));

    /// <inheritdoc/>
    protected override async Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken)
    {
        if (handle.MetadataText("mode") != "detached" || Status(handle).Status.IsFinished())
        {
            return;
        }

        var pid = (int)JsonText.Int64(handle.Metadata.GetValueOrDefault("pid"))!.Value;
        var exitFile = handle.MetadataText("exit_file");
        if (exitFile is not null)
        {
            await File.WriteAllTextAsync(CancelledMarker(exitFile), IsoTime.Format(_clock.GetUtcNow()) + "\n", cancellationToken).ConfigureAwait(false);
        }

        Posix.SignalGroup(pid, Posix.SigTerm);
        var deadline = _clock.GetUtcNow() + CancelGracePeriod;
        while (IsOurProcessAlive(handle, pid) && _clock.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _clock, cancellationToken).ConfigureAwait(false);
        }

        if (IsOurProcessAlive(handle, pid) || Posix.SignalGroup(pid, 0))
        {
            // Whatever is left of the group, including the job's own children, goes now.
            Posix.SignalGroup(pid, Posix.SigKill);
        }

        if (exitFile is not null && !File.Exists(exitFile) && !IsOurProcessAlive(handle, pid))
        {
            // The recorder was killed too: write the record it could not, as a shell would report SIGKILL.
            AtomicFile.WriteAllText(exitFile, "137\n");
        }
    }

    private static string CancelledMarker(string exitFile) => exitFile + ".cancelled";

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

            return new JobStatusResult(handle, code == 0 ? JobStatus.Successful : JobStatus.Failed)
            {
                Detail = Detail(("returncode", code.Value), ("pid", handle.Metadata.GetValueOrDefault("pid")?.DeepClone()), ("state", "exited")),
            };
        }

        var pid = JsonText.Int64(handle.Metadata.GetValueOrDefault("pid"))
            ?? (long.TryParse(handle.JobId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var legacyPid) ? legacyPid : null);
        var exitFile = handle.MetadataText("exit_file");
        if (ReadExitCode(exitFile) is { } recorded)
        {
            return Finished(handle, pid, recorded, exitFile!);
        }

        if (pid is null or <= 0 or > int.MaxValue)
        {
            return new JobStatusResult(handle, JobStatus.FinishedUnknown) { Detail = Detail(("reason", "the handle records no process id")) };
        }

        var probe = ProcessProbe.Read((int)pid.Value);
        if (IsOurProcess(handle, probe) && probe.IsAlive)
        {
            return new JobStatusResult(handle, JobStatus.Running) { Detail = Detail(("pid", pid.Value), ("state", probe.StateName)) };
        }

        // The process ended between the first look at the exit file and the probe: look again.
        if (ReadExitCode(exitFile) is { } late)
        {
            return Finished(handle, pid, late, exitFile!);
        }

        var reason = exitFile is null
            ? "the process has ended and this handle has no exit-code record (written by a runner that kept none)"
            : probe.Exists && !IsOurProcess(handle, probe)
                ? "the process has ended without recording its exit code; its pid now belongs to another process"
                : "the process has ended without recording its exit code (its recorder was killed)";
        return new JobStatusResult(handle, JobStatus.FinishedUnknown)
        {
            Detail = Detail(("pid", pid.Value), ("state", probe.IsAlive ? "pid reused" : "gone"), ("reason", reason)),
        };
    }

    private static JobStatusResult Finished(JobHandle handle, long? pid, int code, string exitFile)
    {
        var detail = new Dictionary<string, JsonNode?>
        {
            ["returncode"] = code,
            ["pid"] = pid,
            ["state"] = "exited",
        };
        if (File.Exists(CancelledMarker(exitFile)))
        {
            detail["cancelled"] = true;
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
            return int.TryParse(File.ReadAllText(exitFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The pid is the job's only when the process started at the recorded instant of the same boot.</summary>
    private static bool IsOurProcess(JobHandle handle, ProcessProbe probe)
    {
        if (!probe.Exists)
        {
            return false;
        }

        var start = JsonText.Int64(handle.Metadata.GetValueOrDefault("start_time"));
        var boot = handle.MetadataText("boot_id");
        return (start is null || start == probe.StartTicks) && (boot is null || boot == ProcessProbe.BootId);
    }

    private static bool IsOurProcessAlive(JobHandle handle, int pid)
    {
        var probe = ProcessProbe.Read(pid);
        return IsOurProcess(handle, probe) && probe.IsAlive;
    }

    private string? ResolveExecutable(string exe)
    {
        var path = Options.Env is { } env ? env.GetValueOrDefault("PATH") : Environment.GetEnvironmentVariable("PATH");
        return Executables.Find(exe, path);
    }

    private (string Directory, string Log, string ExitFile) RunPaths(string id)
    {
        var root = Path.GetFullPath(Options.LogDirectory ?? Path.Combine(".flepimop2_cache", "job", "logs"));
        var dir = Path.Combine(root, JobKey.For("shell", id));
        return (dir, Path.Combine(dir, "output.log"), Path.Combine(dir, "exit_code"));
    }

    /// <summary>
    /// Waits (briefly) until <c>setsid</c> has made the job its own process group, so that a cancel right
    /// after submission signals the job's group and nothing else.
    /// </summary>
    private static ProcessProbe WaitForOwnSession(int pid)
    {
        var deadline = Environment.TickCount64 + 2000;
        var probe = ProcessProbe.Read(pid);
        while (probe.Exists && probe.ProcessGroup != pid && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(1);
            probe = ProcessProbe.Read(pid);
        }

        return probe;
    }

    private ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, string cwd)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, WorkingDirectory = cwd };
        foreach (var arg in args)
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

    private async Task<JobHandle> RunBlockingAsync(string id, string[] argv, string cwd, CancellationToken cancellationToken)
    {
        var submittedAt = IsoTime.Now(_clock);
        using var process = Process.Start(StartInfo(argv[0], argv.Skip(1), cwd))
            ?? throw new JobBackendException($"could not start '{argv[0]}'", ShellQuote.Join(argv));
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return new JobHandle(id, "shell")
        {
            SubmittedAt = submittedAt,
            Metadata = new Dictionary<string, JsonNode?>
            {
                ["mode"] = "blocking",
                ["returncode"] = process.ExitCode,
                ["pid"] = process.Id,
            },
        };
    }

    private JobHandle StartDetached(string id, string[] argv, string cwd)
    {
        var paths = RunPaths(id);
        Directory.CreateDirectory(paths.Directory);
        var setsid = Executables.Find("setsid", Environment.GetEnvironmentVariable("PATH"))!;
        var sh = Executables.Find("sh", Environment.GetEnvironmentVariable("PATH"))!;
        var submittedAt = IsoTime.Now(_clock);
        using var process = Process.Start(StartInfo(setsid, [sh, "-c", RecorderScript, "flepimop2-job", paths.ExitFile, paths.Log, .. argv], cwd))
            ?? throw new JobBackendException($"could not start '{argv[0]}'", ShellQuote.Join(argv));
        var probe = WaitForOwnSession(process.Id);
        var metadata = new Dictionary<string, JsonNode?>
        {
            ["mode"] = "detached",
            ["pid"] = process.Id,
            ["start_time"] = probe.Exists ? probe.StartTicks : -1,
            ["boot_id"] = ProcessProbe.BootId,
            ["log"] = paths.Log,
            ["exit_file"] = paths.ExitFile,
        };
        return new JobHandle(id, "shell") { SubmittedAt = submittedAt, Metadata = metadata };
    }
}
