using System.Text.Json;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The sweep supervisor inside flepimop2 (<c>job supervise</c>) where a task fails in ways a shell would have hidden: it
/// cannot be started, a signal ends it, or the supervisor itself is killed.
/// </summary>
public sealed class SweepSupervisorSpecs
{
    private const string Config = """
        jobs:
          fg:
            module: shell
            detach: false
          bg:
            module: shell
            detach: true
        """;

    [Fact]
    public async Task A_task_that_cannot_be_started_is_recorded_as_127_with_its_reason_in_its_log()
    {
        using var project = new TempProject(Config);
        // An executable file whose interpreter does not exist: found at submission, refused by the kernel at the start.
        var program = project.Combine("broken");
        File.WriteAllText(program, "#!/nonexistent/interpreter\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var key = KeyOf(await project.Run("job", "run", "-j", "fg", "--repeat", "2", "--", program));
        var status = await project.Run("job", "status", key, "--json");
        var logs = await project.Run("job", "logs", key, "--task", "1");

        var run = RunDirectory(status);
        Assert.Equal(["0 127", "1 127"], File.ReadAllLines(Path.Combine(run, "results")).Select(l => string.Join(' ', l.Split(' ').Take(2))).Order());
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "exit", "1.json")));
        Assert.Equal(127, record.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Contains($"cannot start '{program}'", logs.Stdout, StringComparison.Ordinal);
        Assert.Equal("failed\n", File.ReadAllText(Path.Combine(run, "outcome")));
    }

    [Fact]
    public async Task A_task_killed_by_a_signal_has_the_signal_in_its_exit_record_and_128_plus_it_as_its_code()
    {
        using var project = new TempProject(Config);

        var key = KeyOf(await project.Run("job", "run", "-j", "fg", "--repeat", "2", "--", "sh", "-c", "[ \"$FLEPIMOP2_TASK_INDEX\" = 1 ] && kill -9 $$; exit 0"));
        var status = await project.Run("job", "status", key, "--json");

        var run = RunDirectory(status);
        Assert.Equal(["0 0", "1 137"], File.ReadAllLines(Path.Combine(run, "results")).Select(l => string.Join(' ', l.Split(' ').Take(2))).Order());
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "exit", "1.json")));
        Assert.Equal(9, record.RootElement.GetProperty("signal").GetInt32());
        Assert.Equal(JsonValueKind.Null, record.RootElement.GetProperty("exit_code").ValueKind);
        Assert.True(record.RootElement.GetProperty("peak_rss_bytes").GetInt64() > 0);
        using var document = JsonDocument.Parse(status.Stdout);
        Assert.Equal("failed", document.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_supervisor_killed_mid_sweep_leaves_a_sweep_that_never_reads_successful_and_cancel_stops_its_tasks()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "run", "-j", "bg", "--repeat", "4", "--max-parallel", "2", "--", "sleep", "60"));
        var first = await project.Run("job", "status", key, "--json");
        var run = RunDirectory(first);
        using (var document = JsonDocument.Parse(first.Stdout))
        {
            var supervisor = document.RootElement.GetProperty("metadata").GetProperty("pid").GetInt32();
            await EventuallyAsync(() => File.Exists(Path.Combine(run, "pids")) && File.ReadAllLines(Path.Combine(run, "pids")).Length == 2);
            Assert.Equal(0, (await CliRunner.CaptureAsync(new System.Diagnostics.ProcessStartInfo("kill", ["-9", supervisor.ToString(System.Globalization.CultureInfo.InvariantCulture)]))).ExitCode);
            await EventuallyAsync(() => !ProcStat.Alive(supervisor));
        }

        var orphans = File.ReadAllLines(Path.Combine(run, "pids")).Select(l => int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var whileOrphaned = await project.Run("job", "status", key);
        var cancel = await project.Run("job", "cancel", key);
        await EventuallyAsync(() => orphans.All(p => !ProcStat.Alive(p)));
        var after = await project.Run("job", "status", key, "--json");

        Assert.Contains("status=running", whileOrphaned.StdoutLines[0], StringComparison.Ordinal);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        using var final = JsonDocument.Parse(after.Stdout);
        Assert.NotEqual("successful", final.RootElement.GetProperty("status").GetString());
        Assert.NotEqual("running", final.RootElement.GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(run, "done")), "a killed supervisor cannot have written done");
    }

    private static string KeyOf(CliResult submission) =>
        submission.ExitCode == 0 ? submission.StdoutLines[^1].Split(' ')[0] : throw new InvalidOperationException(submission.ToString());

    private static string RunDirectory(CliResult status)
    {
        using var document = JsonDocument.Parse(status.Stdout);
        return document.RootElement.GetProperty("metadata").GetProperty("run_dir").GetString()!;
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
