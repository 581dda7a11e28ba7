using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 job run [--config CONFIG] [...] -- PROGRAM [ARGS...]</c>: any program, with its exact arguments, as a job or a
/// sweep, on the shell runner with real processes, and rendered for Slurm by a dry run (no cluster needed).
/// </summary>
public sealed class RunCliSpecs
{
    private const string Config = """
        jobs:
          local: {module: shell, detach: false}
          bg: {module: shell, detach: true}
          missing-executable: {module: shell, detach: false, executable: /no/such/flepimop2}
          hpc:
            module: slurm
            sbatch-directory: scripts
            executable: /opt/flepimop2
        """;

    /// <summary>Arguments a shell would change or split, or a script could lose; each must reach the program as it is.</summary>
    private static readonly string[] Awkward = ["it's", "\"quoted\"", "line 1\nline 2", "\ttab", "back\\slash", "`id`", "$(id)", "${HOME}", "a;b|c&d", "-", "--", "--x=y", "\u00e9t\u00e9 \u2603"];

    [Fact]
    public async Task A_program_runs_as_a_job_and_is_recorded_and_listed_like_a_step()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "run", "-j", "local", "--", "sh", "-c", "echo ran; exit 3");
        var key = KeyOf(submit);
        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", key);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Equal(["ran", submit.StdoutLines[^1]], submit.StdoutLines);
        Assert.Equal($"{submit.StdoutLines[^1]} status=failed", Assert.Single(list.StdoutLines));
        Assert.Contains("  returncode: 3", status.StdoutLines);
        var record = Assert.Single(Directory.GetFiles(project.Combine(".flepimop2_cache", "job", "handles")));
        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(record));
        Assert.Equal(key, stored.RootElement.GetProperty("key").GetString());
        Assert.Equal("flepimop2.job.shell", stored.RootElement.GetProperty("job_config").GetProperty("module").GetString());
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(project.Combine(".flepimop2_cache", "job", "summary.json")));
        Assert.Equal(key, Assert.Single(summary.RootElement.EnumerateArray()).GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("local")]
    [InlineData("bg")]
    public async Task Every_argument_after_the_double_dash_reaches_the_program_exactly_even_one_that_looks_like_an_option(string runner)
    {
        using var project = new TempProject(Config);
        var file = project.Combine("argv");
        string[] args = ["-v", "-vvv", "--help", "-t", "x", "-j", "bg", "--repeat", "2", "--dry-run", "@file", "--", "a b", "$HOME", "*", string.Empty, .. Awkward];

        var submit = await project.Run(["job", "run", "-j", runner, "--", CliRunner.Dummy, "run", "argv", file, .. args]);
        var wait = await project.Run("job", "wait", KeyOf(submit), "--timeout", "60");

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal(args, (await File.ReadAllTextAsync(file, Encoding.UTF8)).Split('\0'));
        Assert.DoesNotContain("info:", submit.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_detached_program_is_waited_for_and_its_output_is_in_its_logs()
    {
        using var project = new TempProject(Config);

        var key = KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sh", "-c", "echo to-out; echo to-err >&2"));
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        var logs = await project.Run("job", "logs", key);

        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal("to-out\nto-err\n", logs.Stdout);
    }

    [Fact]
    public async Task Repeat_makes_a_sweep_whose_tasks_each_get_their_index()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "run", "-j", "bg", "--repeat", "4", "--max-parallel", "2", "--", "sh", "-c", "echo \"task $FLEPIMOP2_TASK_INDEX of $FLEPIMOP2_TASK_COUNT\"; [ \"$FLEPIMOP2_TASK_INDEX\" != 2 ]");
        var key = KeyOf(submit);
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", key);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Single(submit.StdoutLines);
        Assert.Equal(1, wait.ExitCode);
        Assert.EndsWith(" status=failed tasks=4 successful=3 failed=1", Assert.Single(list.StdoutLines), StringComparison.Ordinal);
        Assert.Contains("  failed tasks: 2", status.StdoutLines);
        for (var i = 0; i < 4; i++)
        {
            var logs = await project.Run("job", "logs", key, "--task", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal($"task {i} of 4\n", logs.Stdout);
        }
    }

    [Fact]
    public async Task Every_task_of_a_sweep_gets_the_exact_arguments_and_its_own_index()
    {
        using var project = new TempProject(Config);

        // The script writes its index and arguments, NUL-separated, to argv.<index>: what the task table gave this task.
        var submit = await project.Run(["job", "run", "-j", "bg", "--repeat", "3", "--", "sh", "-c", "printf '%s\\0' \"$FLEPIMOP2_TASK_INDEX\" \"$@\" > \"argv.$FLEPIMOP2_TASK_INDEX\"", "sh", .. Awkward, string.Empty]);
        var wait = await project.Run("job", "wait", KeyOf(submit), "--timeout", "60");

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.True(wait.ExitCode == 0, wait.ToString());
        for (var i = 0; i < 3; i++)
        {
            var written = await File.ReadAllTextAsync(project.Combine($"argv.{i}"), Encoding.UTF8);
            Assert.Equal([i.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Awkward, string.Empty, string.Empty], written.Split('\0'));
        }
    }

    [Fact]
    public async Task The_batch_script_of_a_dry_run_gives_the_program_its_exact_arguments_when_bash_runs_it_as_a_node_would()
    {
        using var project = new TempProject(Config);
        var environment = FakeBatchTools.Environment(project.Combine("fake-bin"));
        var file = project.Combine("argv");
        string[] args = ["-v", "--", "a b", "$HOME", "*", string.Empty, .. Awkward.Where(a => !a.Contains('\n', StringComparison.Ordinal))];

        var dry = await CliRunner.RunAsync(project.Path, environment, ["job", "run", "-j", "hpc", "--dry-run", "--", CliRunner.Dummy, "run", "argv", file, .. args]);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        var bash = await RunBash(project.Path, null, Detail(dry, "script"));

        Assert.True(bash.ExitCode == 0, bash.ToString());
        Assert.Equal(args, (await File.ReadAllTextAsync(file, Encoding.UTF8)).Split('\0'));
    }

    [Fact]
    public async Task A_batch_sweeps_tasks_read_their_exact_arguments_from_the_task_table_even_a_newline_which_a_single_batch_job_refuses()
    {
        using var project = new TempProject(Config);
        var environment = FakeBatchTools.Environment(project.Combine("fake-bin"));
        string[] args = ["-v", "--", "a b", string.Empty, .. Awkward];

        var single = await CliRunner.RunAsync(project.Path, environment, ["job", "run", "-j", "hpc", "--dry-run", "--", "printf", "%s\\0", .. args]);
        var dry = await CliRunner.RunAsync(project.Path, environment, ["job", "run", "-j", "hpc", "--dry-run", "--repeat", "2", "--", "sh", "-c", "printf '%s\\0' \"$FLEPIMOP2_TASK_INDEX\" \"$@\" > \"argv.$FLEPIMOP2_TASK_INDEX\"", "sh", .. args]);

        Assert.Equal(3, single.ExitCode);
        Assert.StartsWith("error: config.yaml: jobs.hpc: argument 8 contains a newline or other control character, which a batch script cannot pass on exactly [unsafe_argument]", single.Stderr, StringComparison.Ordinal);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        for (var i = 0; i < 2; i++)
        {
            // As Slurm runs array task i: SLURM_ARRAY_TASK_ID set, the array's first task as the script's argument.
            var bash = await RunBash(project.Path, i.ToString(System.Globalization.CultureInfo.InvariantCulture), Detail(dry, "script"), "0");
            Assert.True(bash.ExitCode == 0, bash.ToString());
            var written = await File.ReadAllTextAsync(project.Combine($"argv.{i}"), Encoding.UTF8);
            Assert.Equal([i.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args, string.Empty], written.Split('\0'));
        }

        Assert.False(Directory.Exists(project.StoreDirectory));
    }

    [Fact]
    public async Task The_runners_executable_does_not_apply_to_a_program()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "run", "-j", "missing-executable", "--", "true");

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.EndsWith(" status=successful", Assert.Single((await project.Run("job", "list")).StdoutLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_is_found_as_elsewhere_or_given_with_config_and_only_its_jobs_section_is_needed()
    {
        using var project = new TempProject();
        Directory.CreateDirectory(project.Combine("configs"));
        await File.WriteAllTextAsync(project.Combine("configs", "config.yaml"), "jobs:\n  only: {module: shell, detach: false}\n");
        await File.WriteAllTextAsync(project.Combine("other.yaml"), "jobs:\n  other: {module: shell, detach: false}\n");

        var found = await project.Run("job", "run", "--json", "--", "echo", "default config");
        var given = await project.Run("job", "run", "--config", "other.yaml", "--no-cache", "--", "echo", "given config");

        Assert.True(found.ExitCode == 0, found.ToString());
        Assert.Equal("default config", found.StdoutLines[0]);
        using var handle = JsonDocument.Parse(string.Join('\n', found.StdoutLines[1..]));
        Assert.Equal("shell", handle.RootElement.GetProperty("backend").GetString());
        Assert.Equal("blocking", handle.RootElement.GetProperty("metadata").GetProperty("mode").GetString());
        Assert.True(given.ExitCode == 0, given.ToString());
        Assert.Equal("given config", given.StdoutLines[0]);
        Assert.Single(Directory.GetFiles(project.Combine(".flepimop2_cache", "job", "handles")));
    }

    [Fact]
    public async Task A_shell_dry_run_prints_the_program_and_records_nothing()
    {
        using var project = new TempProject(Config);

        var dry = await project.Run("job", "run", "-j", "local", "--dry-run", "--", "sh", "model file.sh", "--seed", "3");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal("would submit: sh 'model file.sh' --seed 3", dry.StdoutLines[0]);
        Assert.Contains("  executable: sh", dry.StdoutLines);
        Assert.False(Directory.Exists(project.StoreDirectory));
    }

    [Fact]
    public async Task A_batch_dry_run_renders_the_program_alone_with_its_exact_arguments_in_the_script()
    {
        using var project = new TempProject(Config);
        var environment = FakeBatchTools.Environment(project.Combine("fake-bin"));

        var dry = await CliRunner.RunAsync(project.Path, environment, "job", "run", "-j", "hpc", "--dry-run", "--", "Rscript", "model file.R", "-v", "--", "$HOME", "a'b");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        var script = Detail(dry, "script");
        Assert.Equal($"would submit: sbatch --parsable '{script}'", dry.StdoutLines[0]);
        Assert.Equal(project.Combine("scripts"), Path.GetDirectoryName(Path.GetDirectoryName(script)));
        Assert.Contains("  job_name: flepimop2:Rscript:none:default", dry.StdoutLines);
        var text = await File.ReadAllTextAsync(script);
        Assert.Contains("\nflepimop2_recorded Rscript 'model file.R' -v -- '$HOME' 'a'\\''b'\nflepimop2_exit_code=$?\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/opt/flepimop2", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.StoreDirectory));
    }

    [Fact]
    public async Task A_batch_sweeps_dry_run_shows_the_array_line_and_the_program_as_every_task()
    {
        using var project = new TempProject(Config);
        var environment = FakeBatchTools.Environment(project.Combine("fake-bin"));

        var dry = await CliRunner.RunAsync(project.Path, environment, "job", "run", "-j", "hpc", "--dry-run", "--repeat", "3", "--max-parallel", "2", "--", "/usr/bin/env", "-v");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal($"would submit: sbatch --parsable --array=0-2%2 '{Detail(dry, "script")}' 0", dry.StdoutLines[0]);
        Assert.Contains("  first_task: /usr/bin/env -v", dry.StdoutLines);
        Assert.Contains("  tasks: 3", dry.StdoutLines);
        Assert.Contains("mapfile -d '' flepimop2_argv", await File.ReadAllTextAsync(Detail(dry, "script")), StringComparison.Ordinal);
        Assert.StartsWith("  note: Slurm's default MaxArraySize (1001) was assumed: ", dry.StdoutLines.Single(l => l.StartsWith("  note: ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.StoreDirectory));
    }

    [Theory]
    [InlineData(new[] { "job", "run", "-j", "local", "--max-parallel", "2", "--", "true" }, "error: --max-parallel 2 limits the tasks of a sweep; give --repeat")]
    [InlineData(new[] { "job", "run", "-j", "local", "--tasks-per-job", "5", "--", "true" }, "error: --tasks-per-job 5 packs the tasks of a sweep; give --repeat")]
    [InlineData(new[] { "job", "run", "-j", "local", "--repeat", "0", "--", "true" }, "error: --repeat must be a whole number from 1 to 100000; got '0'")]
    [InlineData(new[] { "job", "run", "-j", "local", "--", "", "x" }, "error: the program after -- is empty; give its name or path")]
    [InlineData(new[] { "job", "run", "-j", "local", "--" }, "error: no program to run; give it and its arguments after --: flepimop2 job run [OPTIONS] -- PROGRAM [ARGS...]")]
    [InlineData(new[] { "job", "run", "--target=x", "--", "true" }, "error: job run takes no --target: it runs the program given after --, not a configured target (see job process and job simulate)")]
    [InlineData(new[] { "job", "run", "--frobnicate", "-j", "local", "--", "true" }, "error: unknown option '--frobnicate' for job run; give the program and its arguments after --: flepimop2 job run [OPTIONS] -- PROGRAM [ARGS...]")]
    [InlineData(new[] { "job", "run", "-j", "local", "echo", "--", "hi" }, "error: 'echo' comes before --; give the program and its arguments after --: flepimop2 job run [OPTIONS] -- PROGRAM [ARGS...]")]
    public async Task Usage_mistakes_are_exit_2_and_submit_nothing(string[] args, string message)
    {
        using var project = new TempProject(Config);

        var result = await project.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(message, result.Stderr.Split('\n')[0]);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }

    /// <summary>Runs a rendered batch script with bash in <paramref name="directory"/>, as a node would (no scheduler involved).</summary>
    private static async Task<CliResult> RunBash(string directory, string? arrayTaskId, params string[] args)
    {
        var start = new ProcessStartInfo("bash", args) { WorkingDirectory = directory };
        if (arrayTaskId is not null)
        {
            start.Environment["SLURM_ARRAY_TASK_ID"] = arrayTaskId;
        }

        return await CliRunner.CaptureAsync(start);
    }

    private static string KeyOf(CliResult submission) => submission.StdoutLines[^1].Split(' ')[0];

    private static string Detail(CliResult dry, string name) =>
        dry.StdoutLines.Single(l => l.StartsWith($"  {name}: ", StringComparison.Ordinal))[$"  {name}: ".Length..];
}
