using System.Text;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 simulate</c> (a step of the <c>simulate</c> section, here and now) and <c>flepimop2 job simulate</c> (as a
/// job or a sweep), on the shell runner with real processes, and rendered for Slurm by a dry run (no cluster needed). A
/// runner whose <c>executable</c> is a script that records its arguments stands in for the original program.
/// </summary>
public sealed class SimulateCliSpecs
{
    private const string Config = """
        jobs:
          local: {module: shell, detach: false}
          bg: {module: shell, detach: true}
          original: {module: shell, detach: false, executable: ./original.sh}
          hpc:
            module: slurm
            sbatch-directory: scripts
            executable: /opt/py/bin/flepimop2
        simulate:
          sir:
            module: shell
            command: sh
            args: ["-c", "echo \"sir ${FLEPIMOP2_TASK_INDEX-alone} of ${FLEPIMOP2_TASK_COUNT-1}\""]
          seir:
            module: shell
            command: sh
            args: ["-c", "echo \"seir ${FLEPIMOP2_TASK_INDEX-alone}\"; exit 4"]
          "@pick":
            engine: euler
            system: sir
            backend: csv
            times: [0, 100]
        """;

    [Fact]
    public async Task Simulate_runs_a_step_of_the_simulate_section_here_and_exits_with_its_code()
    {
        using var project = new TempProject(Config);

        var first = await project.Run("simulate");
        var seir = await project.Run("simulate", "config.yaml", "--target", "seir");
        var dry = await project.Run("simulate", "-t", "seir", "--dry-run");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("sir alone of 1\n", first.Stdout);
        Assert.Equal(4, seir.ExitCode);
        Assert.Equal("seir alone\n", seir.Stdout);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Matches(@"^would run: \S*/sh -c 'echo ""seir \$\{FLEPIMOP2_TASK_INDEX-alone\}""; exit 4'$", dry.StdoutLines[0]);
        Assert.False(Directory.Exists(project.StoreDirectory));
    }

    [Fact]
    public async Task Job_simulate_submits_a_simulation_records_it_and_lists_it()
    {
        using var project = new TempProject(Config);

        var submit = await project.Run("job", "simulate", "-j", "local", "-t", "seir");
        var key = KeyOf(submit);
        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", key);

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Equal(["seir alone", submit.StdoutLines[^1]], submit.StdoutLines);
        Assert.Equal($"{submit.StdoutLines[^1]} status=failed", Assert.Single(list.StdoutLines));
        Assert.Contains("  returncode: 4", status.StdoutLines);
    }

    [Fact]
    public async Task Several_targets_and_repeat_make_one_sweep_in_target_major_order()
    {
        using var project = new TempProject(Config);

        var key = KeyOf(await project.Run("job", "simulate", "-j", "bg", "-t", "sir", "-t", "seir", "--repeat", "2"));
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        var list = await project.Run("job", "list");
        var logs = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            logs.Add((await project.Run("job", "logs", key, "--task", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Stdout);
        }

        Assert.Equal(1, wait.ExitCode);
        Assert.EndsWith(" status=failed tasks=4 successful=2 failed=2", Assert.Single(list.StdoutLines), StringComparison.Ordinal);
        Assert.Equal(["sir 0 of 4\n", "sir 1 of 4\n", "seir 2\n", "seir 3\n"], logs);
    }

    [Fact]
    public async Task With_the_original_as_executable_the_job_is_executable_simulate_config_target_exactly()
    {
        using var project = new TempProject(Config);
        await File.WriteAllTextAsync(project.Combine("original.sh"), "#!/bin/sh\nprintf '%s\\0' \"$@\" >\"argv.$FLEPIMOP2_TASK_INDEX\"\n");
        File.SetUnixFileMode(project.Combine("original.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // The original's own simulation (no module) is passed on: only the runner's executable runs it.
        var single = await project.Run("job", "simulate", "-j", "original", "-t", "@pick", "-v");
        var sweep = await project.Run("job", "simulate", "-j", "original", "-t", "@pick", "-t", "sir", "--repeat", "1");

        Assert.True(single.ExitCode == 0, single.ToString());
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        var config = project.Combine("config.yaml");
        Assert.Equal(["simulate", config, "--target=@pick", "-v", string.Empty], await ArgvAsync(project, "argv."));
        Assert.Equal(["simulate", config, "--target=@pick", string.Empty], await ArgvAsync(project, "argv.0"));
        Assert.Equal(["simulate", config, "--target=sir", string.Empty], await ArgvAsync(project, "argv.1"));
    }

    [Fact]
    public async Task A_batch_dry_run_renders_the_executable_simulate_line_in_the_script()
    {
        using var project = new TempProject(Config);
        var environment = FakeBatchTools.Environment(project.Combine("fake-bin"));

        var dry = await CliRunner.RunAsync(project.Path, environment, "job", "simulate", "-j", "hpc", "-t", "@pick", "--dry-run");
        var sweep = await CliRunner.RunAsync(project.Path, environment, "job", "simulate", "-j", "hpc", "-t", "@pick", "-t", "sir", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        var script = Detail(dry, "script");
        Assert.Equal($"would submit: sbatch --parsable '{script}'", dry.StdoutLines[0]);
        Assert.Contains("  job_name: flepimop2:simulate:config:@pick", dry.StdoutLines);
        var text = await File.ReadAllTextAsync(script);
        Assert.Contains($"\nflepimop2_recorded /opt/py/bin/flepimop2 simulate '{project.Combine("config.yaml")}' --target=@pick\nflepimop2_exit_code=$?\n", text, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --job-name=flepimop2:simulate:config:@pick\n", text, StringComparison.Ordinal);
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        Assert.Equal($"would submit: sbatch --parsable --array=0-1 '{Detail(sweep, "script")}' 0", sweep.StdoutLines[0]);
        Assert.Contains($"  first_task: /opt/py/bin/flepimop2 simulate '{project.Combine("config.yaml")}' --target=@pick", sweep.StdoutLines);
        Assert.Contains("  job_name: flepimop2:simulate:config:sweep", sweep.StdoutLines);
        Assert.False(Directory.Exists(project.StoreDirectory));
    }

    [Theory]
    [InlineData(new[] { "-t", "sir", "-t", "sir" }, 2, "error: --target 'sir' is given 2 times; to run a target several times use --repeat")]
    [InlineData(new[] { "-t", "sir", "--max-parallel", "2" }, 2, "error: --max-parallel 2 limits the tasks of a sweep; give several --target or --repeat")]
    [InlineData(new[] { "-t", "sir", "-t", "x", "-t", "y" }, 3, "error: config.yaml: simulate: no target 'x'; targets: sir, seir, @pick\nerror: config.yaml: simulate: no target 'y'; targets: sir, seir, @pick")]
    public async Task Bad_targets_and_sweep_options_are_refused_before_anything_is_submitted(string[] options, int exitCode, string message)
    {
        using var project = new TempProject(Config);

        var result = await project.Run(["job", "simulate", "-j", "bg", .. options]);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Equal(message + "\n", result.Stderr);
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }

    private static string KeyOf(CliResult submission) => submission.StdoutLines[^1].Split(' ')[0];

    private static string Detail(CliResult dry, string name) =>
        dry.StdoutLines.Single(l => l.StartsWith($"  {name}: ", StringComparison.Ordinal))[$"  {name}: ".Length..];

    private static async Task<string[]> ArgvAsync(TempProject project, string file) =>
        (await File.ReadAllTextAsync(project.Combine(file), Encoding.UTF8)).Split('\0');
}
