using System.Text.Json;
using System.Text.RegularExpressions;

namespace Flepimop2.Cli.Tests;

public sealed partial class CliSpecs
{
    private const string Config = """
        jobs:
          local:
            module: shell
            detach: false
          bg:
            module: shell
            detach: true
        process:
          ok:
            module: shell
            command: "true"
          fail:
            module: shell
            command: sh
            args: ["-c", "echo failing on purpose >&2; exit 7"]
          talk:
            module: shell
            command: sh
            args: ["-c", "echo out-line; echo err-line >&2"]
          slow:
            module: shell
            command: sleep
            args: ["30"]
        """;

    [GeneratedRegex(@"^shell-[0-9a-z]+ submitted_at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")]
    private static partial Regex HandleLine();

    private static string KeyOf(CliResult submission) => submission.StdoutLines[^1].Split(' ')[0];

    [Fact]
    public async Task I_can_submit_a_blocking_step_and_see_it_successful_in_list_and_status()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "process", "-j", "local", "-t", "ok");
        var key = KeyOf(submit);
        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", key);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Matches(HandleLine(), submit.StdoutLines[^1]);
        Assert.Equal($"{submit.StdoutLines[^1]} status=successful", Assert.Single(list.StdoutLines));
        Assert.Equal(0, status.ExitCode);
        Assert.Equal($"{submit.StdoutLines[^1]} status=successful", status.StdoutLines[0]);
        Assert.Contains("  returncode: 0", status.StdoutLines);
    }

    [Fact]
    public async Task A_failing_detached_step_is_failed_with_its_real_exit_code()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "process", "-j", "bg", "-t", "fail");
        var key = KeyOf(submit);
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        var status = await project.Run("job", "status", key);
        var logs = await project.Run("job", "logs", key);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Equal(1, wait.ExitCode);
        Assert.EndsWith("status=failed", wait.StdoutLines[^1], StringComparison.Ordinal);
        Assert.Contains("  returncode: 7", status.StdoutLines);
        Assert.Contains("failing on purpose", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_wait_exits_zero_when_every_job_succeeded()
    {
        using var project = new TempProject(Config);
        var first = KeyOf(await project.Run("job", "process", "-j", "bg", "-t", "ok"));
        var second = KeyOf(await project.Run("job", "process", "-j", "bg", "-t", "talk"));

        var wait = await project.Run("job", "wait", first, second);
        var logs = await project.Run("job", "logs", second);

        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.All(wait.StdoutLines, line => Assert.EndsWith("status=successful", line, StringComparison.Ordinal));
        Assert.Contains("out-line", logs.Stdout, StringComparison.Ordinal);
        Assert.Contains("err-line", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_wait_gives_up_at_its_timeout()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "bg", "-t", "slow"));

        var wait = await project.Run("job", "wait", key, "--timeout", "0.5");
        await project.Run("job", "cancel", key);

        Assert.Equal(1, wait.ExitCode);
        Assert.Contains("timed out", wait.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("status=running", wait.StdoutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task I_can_cancel_a_running_detached_job()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "bg", "-t", "slow"));

        var running = await project.Run("job", "status", key);
        var cancel = await project.Run("job", "cancel", key);
        var after = await project.Run("job", "status", key);
        var again = await project.Run("job", "cancel", key);

        Assert.EndsWith("status=running", running.StdoutLines[0], StringComparison.Ordinal);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.EndsWith("status=failed", after.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("  cancelled: true", after.StdoutLines);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already finished", again.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("bg")]
    public async Task Targets_that_look_like_options_or_response_files_run_exactly_the_step_named(string runner)
    {
        using var project = new TempProject("""
            jobs:
              local: {module: shell, detach: false}
              bg: {module: shell, detach: true}
            process:
              pick: {module: shell, command: echo, args: ["the pick step"]}
              "@pick": {module: shell, command: echo, args: ["the @pick step"]}
              "-vvv": {module: shell, command: echo, args: ["the -vvv step"]}
              "--help": {module: shell, command: echo, args: ["the --help step"]}
            """);
        await File.WriteAllTextAsync(project.Combine("pick"), "-t\npick\n");

        foreach (var target in new[] { "@pick", "-vvv", "--help" })
        {
            var submit = await project.Run("job", "process", "-j", runner, "-t", target);
            var key = KeyOf(submit);
            var output = runner == "local" ? submit.Stdout : (await WaitAndLog(project, key));

            Assert.True(submit.ExitCode == 0, submit.ToString());
            Assert.Contains($"the {target} step", output, StringComparison.Ordinal);
            Assert.DoesNotContain("debug:", submit.Stderr, StringComparison.Ordinal);
        }
    }

    private static async Task<string> WaitAndLog(TempProject project, string key)
    {
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        Assert.True(wait.ExitCode == 0, wait.ToString());
        return (await project.Run("job", "logs", key)).Stdout;
    }

    [Fact]
    public async Task The_process_command_exits_with_the_steps_exit_code()
    {
        using var project = new TempProject(Config);

        var fail = await project.Run("process", "-t", "fail");
        var ok = await project.Run("process", "config.yaml", "--target", "ok");

        Assert.Equal(7, fail.ExitCode);
        Assert.Contains("failing on purpose", fail.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public async Task A_dry_run_prints_what_it_would_do_and_records_nothing()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "process", "-j", "bg", "-t", "fail", "--dry-run");
        var process = await project.Run("process", "-t", "fail", "--dry-run");

        Assert.Equal(0, submit.ExitCode);
        Assert.StartsWith($"would submit: {CliRunner.Executable} process '{project.Combine("config.yaml")}' --target=fail", submit.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("  mode: detached", submit.StdoutLines);
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("would run: /usr/bin/sh -c 'echo failing on purpose >&2; exit 7'", process.StdoutLines[0].Replace("/bin/sh", "/usr/bin/sh", StringComparison.Ordinal).Replace("/usr/usr", "/usr", StringComparison.Ordinal));
        Assert.False(Directory.Exists(project.StoreDirectory));
    }

    [Fact]
    public async Task No_cache_submits_without_recording()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "process", "-j", "local", "-t", "ok", "--no-cache");

        Assert.Equal(0, submit.ExitCode);
        Assert.Matches(HandleLine(), submit.StdoutLines[^1]);
        Assert.False(Directory.Exists(Path.Combine(project.StoreDirectory, "job", "handles")));
    }

    [Fact]
    public async Task Json_output_uses_the_field_names_of_the_files()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "fail"));

        var list = await project.Run("job", "list", "--json");
        var status = await project.Run("job", "status", key, "--json");

        var entry = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray());
        Assert.Equal(key, entry.GetProperty("key").GetString());
        Assert.Equal("failed", entry.GetProperty("status").GetString());
        var result = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.Equal("shell", result.GetProperty("backend").GetString());
        Assert.Equal(7, result.GetProperty("detail").GetProperty("returncode").GetInt32());
        Assert.EndsWith("Z", result.GetProperty("submitted_at").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_filters_by_status()
    {
        using var project = new TempProject(Config);
        var ok = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "ok"));
        var fail = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "fail"));

        var failed = await project.Run("job", "list", "--status", "failed");
        var successful = await project.Run("job", "list", "--status", "successful");

        Assert.StartsWith(fail, Assert.Single(failed.StdoutLines), StringComparison.Ordinal);
        Assert.StartsWith(ok, Assert.Single(successful.StdoutLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_go_to_stderr_and_results_to_stdout()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "process", "-j", "bg", "-t", "ok", "-vv");

        Assert.Equal(0, submit.ExitCode);
        Assert.Matches(HandleLine(), Assert.Single(submit.StdoutLines));
        Assert.Contains("info: submitting", submit.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task I_can_list_a_store_written_by_the_original_program()
    {
        using var project = new TempProject();
        foreach (var file in Directory.GetFiles(Path.Combine(CliRunner.Fixtures, ".flepimop2_cache"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(project.StoreDirectory, Path.GetRelativePath(Path.Combine(CliRunner.Fixtures, ".flepimop2_cache"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", "0");

        Assert.Equal(0, list.ExitCode);
        Assert.Contains("shell-0 submitted_at=2026-11-25T00:13:36 status=successful", list.StdoutLines);
        Assert.Contains("shell-1 submitted_at=2026-11-25T00:13:36 status=failed", list.StdoutLines);
        Assert.Equal(4, list.StdoutLines.Length);
        Assert.Equal("shell-0 submitted_at=2026-11-25T00:13:36 status=successful", status.StdoutLines[0]);
    }

    [Fact]
    public async Task Concurrent_submissions_from_several_processes_lose_nothing()
    {
        using var project = new TempProject(Config);
        const int Processes = 8;
        const int Each = 4;

        var runs = await Task.WhenAll(Enumerable.Range(0, Processes).Select(async _ =>
        {
            var results = new List<CliResult>();
            for (var i = 0; i < Each; i++)
            {
                results.Add(await project.Run("job", "process", "-j", "local", "-t", "ok"));
            }

            return results;
        }));
        var list = await project.Run("job", "list");

        Assert.All(runs.SelectMany(r => r), r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(Processes * Each, list.StdoutLines.Length);
        Assert.Empty(list.Stderr);
        Assert.Equal(
            runs.SelectMany(r => r).Select(KeyOf).Order(StringComparer.Ordinal),
            list.StdoutLines.Select(l => l.Split(' ')[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_example_project_runs_on_the_shell_runner()
    {
        using var project = new TempProject();
        File.Copy(Path.Combine(CliRunner.Examples, "quickstart", "config.yaml"), project.Combine("config.yaml"));

        var submit = await project.Run("job", "process", "-t", "hello");
        var status = await project.Run("job", "status", KeyOf(submit));

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Contains("hello from flepimop2 -- $HOME is not expanded", submit.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("status=successful", status.StdoutLines[0], StringComparison.Ordinal);
    }
}
