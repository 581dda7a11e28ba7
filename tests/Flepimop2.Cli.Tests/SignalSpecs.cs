using System.Diagnostics;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// SIGINT and SIGTERM end every command, whatever it is waiting for, with 130 or 143; and what a command started is
/// stopped and recorded, never left running alone.
/// </summary>
public sealed class SignalSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static string Config(string marker) => $$"""
        jobs:
          local: {module: shell, detach: false}
          bg: {module: shell, detach: true}
        process:
          mark:
            module: shell
            command: touch
            args: ["{{marker}}"]
          sleepy:
            module: shell
            command: sh
            args: ["-c", "echo $$ > step.pid; exec sleep 120"]
          stubborn:
            module: shell
            command: sh
            args: ["-c", "trap '' TERM; echo ready > ready; exec sleep 120"]
        """;

    private static void Send(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<CliResult> Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"flepimop2 (pid {process.Id}) was still running {Bound.TotalSeconds} s after the signal");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Bound, $"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// Whether the command has its own handler for <paramref name="signal"/> (<c>SigCgt</c> in <c>/proc/PID/status</c>): a
    /// signal sent before that kills a process still starting, which a fixed delay cannot rule out on a loaded machine.
    /// </summary>
    private static bool Catches(Process process, int signal)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
            var mask = ulong.Parse(line["SigCgt:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            return ((mask >> (signal - 1)) & 1) == 1;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Whether a thread of the command sleeps in the kernel function <paramref name="wchan"/>.</summary>
    private static bool Sleeps(Process process, string wchan)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{process.Id}/task").Any(task => File.ReadAllText(Path.Combine(task, "wchan")) == wchan);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Whether the command holds <paramref name="path"/> open.</summary>
    private static bool Holds(Process process, string path)
    {
        try
        {
            return Directory.GetFiles($"/proc/{process.Id}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until the command's own handlers are in place. The runtime catches SIGTERM from its start (and ends the process
    /// with 143, silently, while no handler of the command's is registered), but SIGINT only once the command registers its
    /// handlers, SIGTERM's first.
    /// </summary>
    private static void WaitUntilCatching(Process process) =>
        WaitFor(() => Catches(process, 2) || process.HasExited, "the command to handle SIGINT and SIGTERM");

    [Fact]
    public async Task Sigterm_ends_a_command_waiting_forever_on_a_fifo_config_with_143()
    {
        using var project = new TempProject();
        using (var mkfifo = Process.Start("mkfifo", [project.Combine("fifo.yaml")])!)
        {
            mkfifo.WaitForExit();
        }

        // Without the runtime's diagnostics it opens no FIFO of its own (the debugger's pipes), so a thread waiting at a FIFO is
        // waiting at the configuration.
        using var process = CliRunner.Start(project.Path, new Dictionary<string, string?> { ["DOTNET_EnableDiagnostics"] = "0" }, "job", "process", "fifo.yaml");
        process.StandardInput.Close();
        WaitUntilCatching(process);
        WaitFor(() => Sleeps(process, "wait_for_partner"), "the command to wait on the fifo");
        Send(process, "TERM");
        var result = await Finish(process);

        Assert.True(result.ExitCode == 143, result.ToString());
        Assert.Contains("interrupted", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigint_ends_a_wait_for_the_store_lock_with_130_and_nothing_runs()
    {
        using var marks = new TempProject();
        var marker = marks.Combine("ran");
        using var project = new TempProject(Config(marker));
        var job = Path.Combine(project.StoreDirectory, "job");
        Directory.CreateDirectory(job);
        using var holder = Process.Start("flock", [Path.Combine(job, ".lock"), "sleep", "120"])!;
        try
        {
            WaitFor(() => File.ReadAllText("/proc/locks").Contains($" {holder.Id} ", StringComparison.Ordinal), "flock to take the lock");
            using var process = CliRunner.Start(project.Path, null, "job", "process", "-j", "local", "-t", "mark");
            process.StandardInput.Close();
            WaitUntilCatching(process);
            WaitFor(() => Holds(process, Path.Combine(job, ".lock")), "the command to wait for the store's lock");
            Send(process, "INT");
            var result = await Finish(process);

            Assert.True(result.ExitCode == 130, result.ToString());
            Assert.False(File.Exists(marker), "the step ran although the job could not be recorded");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Sigterm_to_a_blocking_submission_stops_its_step_records_the_job_as_cancelled_and_ends_with_143()
    {
        using var project = new TempProject(Config("unused"));
        using var process = CliRunner.Start(project.Path, null, "job", "process", "-j", "local", "-t", "sleepy");
        process.StandardInput.Close();
        var pidFile = project.Combine("step.pid");
        WaitFor(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the step to start");
        var step = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        Send(process, "TERM");
        var result = await Finish(process);
        var key = result.StdoutLines[^1].Split(' ')[0];
        var status = await project.Run("job", "status", key);

        Assert.True(result.ExitCode == 143, result.ToString());
        Assert.False(ProcStat.Alive(step), $"the step (pid {step}) was left running");
        Assert.StartsWith("shell-", key, StringComparison.Ordinal);
        Assert.EndsWith("status=failed", status.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("  cancelled: true", status.StdoutLines);
    }

    [Fact]
    public async Task An_interrupted_cancel_kills_the_job_instead_of_leaving_it_running()
    {
        using var project = new TempProject(Config("unused"));
        var key = (await project.Run("job", "process", "-j", "bg", "-t", "stubborn")).StdoutLines[^1].Split(' ')[0];
        WaitFor(() => File.Exists(project.Combine("ready")), "the job to start");

        using var cancel = CliRunner.Start(project.Path, null, "job", "cancel", key);
        cancel.StandardInput.Close();
        WaitUntilCatching(cancel);
        await Task.Delay(1000);
        Send(cancel, "INT");
        var result = await Finish(cancel);
        var status = await project.Run("job", "status", key);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.EndsWith("status=failed", status.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("  signal: 9", status.StdoutLines);
        Assert.Contains("  cancelled: true", status.StdoutLines);
    }

    [Fact]
    public async Task Sigterm_ends_job_wait_with_143()
    {
        using var project = new TempProject(Config("unused"));
        var key = (await project.Run("job", "process", "-j", "bg", "-t", "sleepy")).StdoutLines[^1].Split(' ')[0];
        try
        {
            using var wait = CliRunner.Start(project.Path, null, "job", "wait", key);
            wait.StandardInput.Close();
            WaitUntilCatching(wait);
            await Task.Delay(700);
            Send(wait, "TERM");
            var result = await Finish(wait);

            Assert.True(result.ExitCode == 143, result.ToString());
        }
        finally
        {
            await project.Run("job", "cancel", key);
        }
    }
}
