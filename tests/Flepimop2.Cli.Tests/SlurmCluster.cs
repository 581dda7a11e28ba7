using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Every CLI test that touches the real Slurm cluster. They run one after another, so a test that stops the controller
/// never runs next to one that needs it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SlurmClusterGroup : ICollectionFixture<SlurmCluster>
{
    public const string Name = "slurm-cluster";
}

/// <summary>
/// The single-node cluster of this machine (scripts/slurm/start-cluster.sh). Its constructor fails, never skips, when
/// Slurm is not there, saying how to start it; it also starts and stops the controller for the fault tests.
/// </summary>
[FixtureNeeds(Needs.Slurm)]
public sealed class SlurmCluster : IDisposable
{
    public const string HowToStart =
        "The Slurm CLI tests need the test cluster: run `scripts/slurm/start-cluster.sh` (as root, about 3 s) from the repository root, then run the tests again.";

    private const string ControllerPidFile = "/run/slurm/slurmctld.pid";

    public SlurmCluster()
    {
        if (FindOnPath("sbatch") is null)
        {
            throw new InvalidOperationException($"'sbatch' is not on PATH. {HowToStart}");
        }

        var sinfo = Tool("sinfo", TimeSpan.FromSeconds(30), "-h", "-o", "%a").GetAwaiter().GetResult();
        if (sinfo.ExitCode != 0 || !sinfo.Stdout.Contains("up", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the Slurm controller does not answer (`sinfo` said: {(sinfo.Stdout + sinfo.Stderr).Trim()}). {HowToStart}");
        }
    }

    /// <summary>The repository root (the directory holding Flepimop2.slnx), found from the test binaries or, when they are built elsewhere, from this source file.</summary>
    public static string RepositoryRoot => FindRoot(AppContext.BaseDirectory) ?? FindRoot(SourceDirectory()) ?? throw new InvalidOperationException(
        $"cannot find the repository (Flepimop2.slnx) above {AppContext.BaseDirectory} or {SourceDirectory()}");

    /// <summary>
    /// A project whose config has a slurm runner <c>hpc</c> (200 MB, 5 minutes, chdir the project, scripts in <c>scripts/</c>),
    /// a blocking shell runner <c>local</c>, and the steps <c>ok</c>, <c>fail</c> (exit 7) and <c>slow</c> (sleep 120).
    /// </summary>
    /// <remarks>
    /// The job runs this flepimop2 (a JIT build, about 45 MB resident) and its step; the cluster kills a job over its memory
    /// (<c>OverMemoryKill</c>), so the request leaves room.
    /// </remarks>
    public static TempProject Project()
    {
        var project = new TempProject();
        File.WriteAllText(project.Combine("config.yaml"), $$"""
            jobs:
              hpc:
                module: slurm
                memory: 200M
                time: "5"
                chdir: {{Yaml(project.Path)}}
                sbatch-directory: {{Yaml(project.Combine("scripts"))}}
              local:
                module: shell
                detach: false
            process:
              ok:
                module: shell
                command: echo
                args: ["hello from slurm", "$HOME is not expanded", "a;b"]
              fail:
                module: shell
                command: sh
                args: ["-c", "echo bad >&2; exit 7"]
              slow:
                module: shell
                command: sleep
                args: ["120"]
            """);
        return project;
    }

    /// <summary>The key a submission printed (the first word of its handle line).</summary>
    public static string KeyOf(CliResult submission)
    {
        Assert.True(submission.ExitCode == 0 && submission.StdoutLines.Length > 0, submission.ToString());
        return submission.StdoutLines[^1].Split(' ')[0];
    }

    /// <summary>Polls <c>job status</c> until the job is running (or has finished); fails after a minute.</summary>
    public static async Task WaitUntilRunningAsync(TempProject project, string key)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await project.Run("job", "status", key);
            Assert.True(status.ExitCode == 0, status.ToString());
            if (!status.StdoutLines[0].EndsWith("status=pending", StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{key} still pending after 60 s:\n{status}");
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }
    }

    /// <summary>Cancels jobs by key (<c>slurm-123</c>) or id, ignoring errors: cleanup, so a failed test leaves no job behind.</summary>
    public static async Task CancelQuietlyAsync(IEnumerable<string> keysOrIds)
    {
        var ids = keysOrIds.Select(k => k.StartsWith("slurm-", StringComparison.Ordinal) ? k["slurm-".Length..] : k).ToArray();
        if (ids.Length > 0)
        {
            await Tool("scancel", TimeSpan.FromSeconds(60), ids);
        }
    }

    /// <summary>
    /// Stops slurmctld only (slurmd, slurmdbd and the jobs keep running) and waits until its process is gone. Dispose the
    /// result to start it again, whatever happened in between.
    /// </summary>
    public static async Task<ControllerOutage> StopControllerAsync()
    {
        var outage = new ControllerOutage();
        try
        {
            var pid = ControllerPid() ?? throw new InvalidOperationException($"slurmctld is not running (no live pid in {ControllerPidFile}). {HowToStart}");
            var shutdown = await Tool("scontrol", TimeSpan.FromSeconds(30), "shutdown", "slurmctld");
            if (shutdown.ExitCode != 0)
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }

            var clock = Stopwatch.StartNew();
            while (IsAlive(pid))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"slurmctld (pid {pid}) still running 30 s after `scontrol shutdown slurmctld` ({shutdown.Stderr.Trim()})");
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            return outage;
        }
        catch
        {
            await outage.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops slurmdbd only (the controller, the node and the jobs go on; <c>sacct</c> then fails with <c>Connection
    /// refused</c>) and waits until its process is gone. Dispose the result to start it again.
    /// </summary>
    public static async Task<ControllerOutage> StopAccountingAsync()
    {
        var outage = new ControllerOutage();
        try
        {
            var pid = int.Parse(File.ReadAllText("/run/slurm/slurmdbd.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(IsAlive(pid) && File.ReadAllText($"/proc/{pid}/comm").Trim() == "slurmdbd", $"slurmdbd is not running (pid file names {pid}). {HowToStart}");
            using (var process = Process.GetProcessById(pid))
            {
                process.Kill();
            }

            var clock = Stopwatch.StartNew();
            while (IsAlive(pid))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"slurmdbd (pid {pid}) still running 30 s after SIGKILL");
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            return outage;
        }
        catch
        {
            await outage.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs scripts/slurm/start-cluster.sh (idempotent), which waits up to 180 s for the node to be ready and prints what it
    /// waits on; fails with that output when the cluster does not come up.
    /// </summary>
    public static async Task StartAsync()
    {
        var script = Path.Combine(RepositoryRoot, "scripts", "slurm", "start-cluster.sh");
        var result = await Tool(script, TimeSpan.FromSeconds(300));
        Assert.True(result.ExitCode == 0, $"{script} failed; the cluster may be down for the tests after this one:\n{result}");
    }

    /// <summary>Runs a program with arguments (never through a shell) and captures what it says.</summary>
    public static async Task<CliResult> Tool(string program, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new CliResult(-1, await stdout, $"{await stderr}\n{program} gave no answer within {timeout.TotalSeconds:0} s");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>At the end of the collection, brings back a controller that a fault test could not restart.</summary>
    public void Dispose()
    {
        if (ControllerPid() is null)
        {
            StartAsync().GetAwaiter().GetResult();
        }
    }

    private static string Yaml(string text) => JsonSerializer.Serialize(text);

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    private static string? FindRoot(string? start)
    {
        for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Flepimop2.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string? SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path);

    /// <summary>The pid of a live slurmctld, from its pid file checked against /proc so a reused pid is not taken for it.</summary>
    private static int? ControllerPid()
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(ControllerPidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            return IsAlive(pid) && File.ReadAllText($"/proc/{pid}/comm").Trim() == "slurmctld" ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>True while the process lives; a zombie (not yet reaped by PID 1) counts as gone.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>slurmctld is down until this is disposed; disposing starts the cluster again (idempotently).</summary>
    public sealed class ControllerOutage : IAsyncDisposable
    {
        private bool _restarted;

        /// <summary>Starts the controller again now (the tests check what happens once it is back).</summary>
        public async Task RestartAsync()
        {
            await StartAsync();
            _restarted = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_restarted)
            {
                _restarted = true;
                await StartAsync();
            }
        }
    }
}
