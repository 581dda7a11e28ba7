using System.Diagnostics;
using System.Globalization;
using System.Text;
using Flepimop2.Commands;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// A sweep's batch script run for real by bash on this machine, as Slurm would run one array task of it: with
/// SLURM_ARRAY_TASK_ID set and the array's first sweep task as its argument (the #SBATCH directives are comments to bash).
/// </summary>
public sealed class SlurmSweepScriptSpecs : IDisposable
{
    private const int Tasks = 60;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();
    private readonly string _records;
    private readonly string _recorder;

    public SlurmSweepScriptSpecs()
    {
        _records = Directory.CreateDirectory(_temp.Combine("records")).FullName;

        // Writes its arguments, then its task index and count, NUL-separated, to files named by its task index.
        var bin = Directory.CreateDirectory(_temp.Combine("bin dir")).FullName;
        _recorder = Path.Combine(bin, "record argv");
        File.WriteAllText(
            _recorder,
            "#!/bin/sh\n" +
            "printf '%s\\0' \"$@\" >\"$RECORD_DIR/argv.$FLEPIMOP2_TASK_INDEX\"\n" +
            "printf '%s\\0' \"$FLEPIMOP2_TASK_INDEX\" \"$FLEPIMOP2_TASK_COUNT\" >\"$RECORD_DIR/env.$FLEPIMOP2_TASK_INDEX\"\n" +
            "exit \"$EXIT_WITH\"\n");
        File.SetUnixFileMode(_recorder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("0", 0, 0, 0)]
    [InlineData("0", 3, 3, 7)]
    [InlineData("50", 7, 57, 1)]
    [InlineData("50", 0, 50, 0)]
    [InlineData("08", 1, 9, 0)]
    public void Array_task_i_of_the_array_given_f_runs_sweep_task_f_plus_i_with_exactly_its_arguments(string first, int arrayTask, int sweepTask, int exitCode)
    {
        var table = WriteTable();
        var script = WriteScript(table);

        var run = RunScript(script, [first], arrayTask.ToString(CultureInfo.InvariantCulture), exitCode);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal(string.Empty, run.Stderr);
        Assert.Equal(Argv(sweepTask).Skip(1), ReadNulSeparated($"argv.{sweepTask}"));
        Assert.Equal([sweepTask.ToString(CultureInfo.InvariantCulture), Tasks.ToString(CultureInfo.InvariantCulture)], ReadNulSeparated($"env.{sweepTask}"));
        Assert.Equal([$"argv.{sweepTask}", $"env.{sweepTask}"], Directory.GetFiles(_records).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_command_substitution_or_expansion_in_a_tasks_arguments_or_the_tables_path_is_run()
    {
        var table = WriteTable(Path.Combine(Directory.CreateDirectory(_temp.Combine("it's a \"table\" $(touch PWNED-DIR)")).FullName, "tasks"));
        var script = WriteScript(table);

        var run = RunScript(script, ["0"], "0", 0);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Argv(0).Skip(1), ReadNulSeparated("argv.0"));
        Assert.Equal(
            [Path.Combine(_temp.Path, "bin dir"), Path.Combine(_temp.Path, "it's a \"table\" $(touch PWNED-DIR)"), _records, Path.Combine(_temp.Path, "script.sh")],
            Directory.GetFileSystemEntries(_temp.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Pre_commands_see_the_tasks_index_and_count_and_post_commands_cannot_change_its_exit_code()
    {
        var table = WriteTable();
        var options = Normalized(new SlurmJobOptions
        {
            PreCommands = ["printf '%s/%s' \"$FLEPIMOP2_TASK_INDEX\" \"$FLEPIMOP2_TASK_COUNT\" >\"$RECORD_DIR/pre\""],
            PostCommands = ["set -e", "false", "exit 0"],
        });
        var script = WriteScript(table, options);

        var run = RunScript(script, ["50"], "2", 5);

        Assert.Equal(5, run.ExitCode);
        Assert.Equal("52/60", File.ReadAllText(Path.Combine(_records, "pre")));
        Assert.Equal(Argv(52).Skip(1), ReadNulSeparated("argv.52"));
    }

    [Fact]
    public void Without_slurm_array_task_id_the_script_exits_2_saying_it_runs_as_an_array_task()
    {
        var script = WriteScript(WriteTable());

        var run = RunScript(script, ["0"], arrayTask: null, 0);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("flepimop2: this script runs as a Slurm job array task (SLURM_ARRAY_TASK_ID is not set)\n", run.Stderr);
        Assert.Empty(Directory.GetFiles(_records));
    }

    [Fact]
    public void With_an_empty_slurm_array_task_id_the_script_exits_2_saying_it_runs_as_an_array_task()
    {
        var script = WriteScript(WriteTable());

        var run = RunScript(script, ["0"], arrayTask: string.Empty, 0);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("flepimop2: this script runs as a Slurm job array task (SLURM_ARRAY_TASK_ID is not set)\n", run.Stderr);
        Assert.Empty(Directory.GetFiles(_records));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1x")]
    [InlineData("$(touch PWNED-ARG)")]
    [InlineData("")]
    public void A_first_argument_that_is_not_a_number_makes_the_script_exit_2_and_say_what_it_got(string first)
    {
        var script = WriteScript(WriteTable());

        var run = RunScript(script, [first], "0", 0);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"flepimop2: the first task of this array must be the script's argument, got '{first}'\n", run.Stderr);
        Assert.Empty(Directory.GetFiles(_records));
        Assert.False(File.Exists(_temp.Combine("PWNED-ARG")));
    }

    [Fact]
    public void Without_an_argument_the_script_exits_2()
    {
        var script = WriteScript(WriteTable());

        var run = RunScript(script, [], "0", 0);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("flepimop2: the first task of this array must be the script's argument, got ''\n", run.Stderr);
        Assert.Empty(Directory.GetFiles(_records));
    }

    [Fact]
    public void With_the_task_table_missing_the_script_exits_2_and_says_it_cannot_read_the_task_table()
    {
        var table = _temp.Combine("nowhere", "tasks");
        var script = WriteScript(table);

        var run = RunScript(script, ["0"], "3", 0);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            $"flepimop2: cannot read task 3 from the task table {table} (is it on a filesystem this node shares?)",
            run.Stderr.TrimEnd('\n').Split('\n')[^1]);
        Assert.Empty(Directory.GetFiles(_records));
    }

    [Fact]
    public void A_task_beyond_the_table_makes_the_script_exit_2_and_say_which_task_it_could_not_read()
    {
        var table = WriteTable();
        var script = WriteScript(table);

        var run = RunScript(script, ["50"], "10", 0);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            $"flepimop2: cannot read task 60 from the task table {table} (is it on a filesystem this node shares?)",
            run.Stderr.TrimEnd('\n').Split('\n')[^1]);
        Assert.Empty(Directory.GetFiles(_records));
    }

    [Fact]
    public void A_task_with_an_empty_argv_makes_the_script_exit_2_instead_of_running_nothing()
    {
        var table = _temp.Combine("tasks");
        TaskTable.Write(table, [Argv(0), []]);
        var script = WriteScript(table);

        var run = RunScript(script, ["0"], "1", 0);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"flepimop2: cannot read task 1 from the task table {table} (is it on a filesystem this node shares?)\n", run.Stderr);
        Assert.Empty(Directory.GetFiles(_records));
    }

    [Fact]
    public void The_sweep_script_writes_each_tasks_output_to_a_file_named_by_array_id_and_index_in_the_working_directory()
    {
        var script = SlurmScripts.RenderSweep(Normalized(new SlurmJobOptions()), Commands(), "/work/tasks", "/work/run");

        Assert.Equal("/work/run/slurm-%A_%a.out", script.OutputPattern);
        Assert.Null(script.ErrorPattern);
        Assert.Contains("#SBATCH --output=/work/run/slurm-%A_%a.out\n", script.Text, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --chdir=/work/run\n", script.Text, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --comment=\"flepimop2 command=process config=none target=default tasks=60\"\n", script.Text, StringComparison.Ordinal);
        Assert.Equal("flepimop2:process:none:default", script.JobName);
        Assert.DoesNotContain("--array", script.Text, StringComparison.Ordinal);
        Assert.EndsWith("\"${flepimop2_argv[@]}\"\nflepimop2_exit_code=$?\nexit \"$flepimop2_exit_code\"\n", script.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_table_path_with_a_newline_is_refused()
    {
        var error = Assert.Throws<Flepimop2ValidationException>(() =>
            SlurmScripts.RenderSweep(Normalized(new SlurmJobOptions()), Commands(), "/work/two\nlines", "/work/run"));

        Assert.Equal("unsafe_argument", Assert.Single(error.Issues).Kind);
    }

    /// <summary>
    /// Task k's argv: the recorder, then its index, then arguments a shell would read specially (quotes, substitutions,
    /// backslashes, newlines, an empty one, non-ASCII text).
    /// </summary>
    private string[] Argv(int task) =>
    [
        _recorder,
        "task",
        task.ToString(CultureInfo.InvariantCulture),
        "two words",
        "  leading and trailing  ",
        "it's",
        "say \"hi\"",
        $"$(touch {_temp.Combine("PWNED")})",
        $"`touch {_temp.Combine("PWNED2")}`",
        "$HOME",
        "${PATH}",
        "back\\slash\\",
        "\\n",
        "two\nlines",
        "ends with a newline\n",
        string.Empty,
        "\t",
        "é漢字😀 \u00a0",
        "*",
        "-n",
        "--",
        ";",
        "&& exit 9",
        "%j %A",
    ];

    private static List<CliCommand> Commands() => [.. Enumerable.Range(0, Tasks).Select(i => (CliCommand)new DummyCommand("task", i.ToString(CultureInfo.InvariantCulture)))];

    private static SlurmJobOptions Normalized(SlurmJobOptions options) => new SlurmJobRunner(options).Options;

    private string WriteTable(string? table = null)
    {
        table ??= _temp.Combine("tasks");
        TaskTable.Write(table, [.. Enumerable.Range(0, Tasks).Select(i => (IReadOnlyList<string>)Argv(i))]);
        return table;
    }

    private string WriteScript(string table, SlurmJobOptions? options = null)
    {
        var script = SlurmScripts.RenderSweep(options ?? Normalized(new SlurmJobOptions()), Commands(), table, _temp.Path);
        var path = _temp.Combine("script.sh");
        File.WriteAllText(path, script.Text, new UTF8Encoding(false));
        return path;
    }

    private string[] ReadNulSeparated(string name)
    {
        var text = File.ReadAllText(Path.Combine(_records, name), Encoding.UTF8);
        Assert.EndsWith("\0", text, StringComparison.Ordinal);
        return text[..^1].Split('\0');
    }

    /// <summary>Runs <c>bash script ARGS</c> in the temporary directory, as Slurm runs one array task; at most a minute.</summary>
    private (int ExitCode, string Stdout, string Stderr) RunScript(string script, IReadOnlyList<string> args, string? arrayTask, int exitWith)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _temp.Path,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var inherited in new[] { "SLURM_ARRAY_TASK_ID", TaskTable.IndexVariable, TaskTable.CountVariable })
        {
            start.Environment.Remove(inherited);
        }

        if (arrayTask is not null)
        {
            start.Environment["SLURM_ARRAY_TASK_ID"] = arrayTask;
        }

        start.Environment["RECORD_DIR"] = _records;
        start.Environment["EXIT_WITH"] = exitWith.ToString(CultureInfo.InvariantCulture);

        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        if (!bash.WaitForExit(ProcessTimeout))
        {
            bash.Kill(entireProcessTree: true);
            bash.WaitForExit();
            Assert.Fail($"bash {script} did not end within {ProcessTimeout.TotalSeconds} s and was killed");
        }

        bash.WaitForExit();
        Assert.False(File.Exists(_temp.Combine("PWNED")), "a $(...) in an argument was run");
        Assert.False(File.Exists(_temp.Combine("PWNED2")), "a `...` in an argument was run");
        Assert.False(File.Exists(_temp.Combine("PWNED-DIR")), "a $(...) in the table's path was run");
        return (bash.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
