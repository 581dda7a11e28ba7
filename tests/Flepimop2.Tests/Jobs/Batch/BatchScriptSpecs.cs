using System.Text.Json;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Subprocesses;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// The batch script every scheduler runs, as text and as bash runs it: where the scheduler stops reading directives, what a
/// job submitted from inside a sweep's task sees, how the command line is quoted, which arguments it refuses, and which
/// program starts flepimop2 on the node.
/// </summary>
public sealed class BatchScriptSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private BatchScriptParts Parts(IReadOnlyList<string> argv) => new(
        Directives: ["#SBATCH --mem=1G", "#SBATCH --time=5"],
        Comment: "# a test job\n",
        Sweep: null,
        Checks: string.Empty,
        Debug: false,
        PreCommands: ["echo pre"],
        CommandLine: BatchScript.CommandLine(argv),
        PostCommands: ["echo post", "exit 0"],
        Recorder: [],
        RunDirectory: _temp.Path);

    [Fact]
    public void The_directives_come_first_and_the_first_command_after_them_ends_the_schedulers_reading()
    {
        var lines = BatchScript.Render(Parts(["true"])).Split('\n');

        Assert.Equal(["#!/bin/bash", "#SBATCH --mem=1G", "#SBATCH --time=5", ":", "# a test job"], lines[..5]);
        Assert.Equal(BatchScript.Preamble, string.Join('\n', lines[5..7]) + "\n");
    }

    [Fact]
    public async Task A_job_ends_with_its_commands_exit_code_between_its_pre_and_post_commands_and_records_it()
    {
        var script = BatchScript.Render(Parts(["sh", "-c", "echo \"task=${FLEPIMOP2_TASK_INDEX-none} of ${FLEPIMOP2_TASK_COUNT-none}\"; exit 3"]));

        var (exit, output) = await BashScript.RunAsync(script, new Dictionary<string, string> { [TaskTable.IndexVariable] = "5", [TaskTable.CountVariable] = "9" });

        Assert.Equal(3, exit);
        Assert.Equal("pre\ntask=none of none\npost\n", output);
        var record = JsonDocument.Parse(await File.ReadAllTextAsync(ExitRecording.JobRecord(_temp.Path))).RootElement;
        Assert.Equal(3, record.GetProperty("exit_code").GetInt32());
    }

    [Theory]
    [InlineData(new[] { "echo", "a b", "it's" }, "echo 'a b' 'it'\\''s'")]
    [InlineData(new[] { "A=B", "x" }, "'A=B' x")]
    [InlineData(new[] { "a b=c" }, "'a b=c'")]
    [InlineData(new[] { "run", "k=v" }, "run k=v")]
    public void Every_token_is_quoted_and_a_first_token_that_reads_as_an_assignment_is_quoted_too(string[] argv, string line)
    {
        Assert.Equal(line, BatchScript.CommandLine(argv));
    }

    [Fact]
    public async Task A_program_whose_name_looks_like_an_assignment_runs_as_a_program()
    {
        var program = _temp.Combine("A=B");
        await File.WriteAllTextAsync(program, "#!/bin/sh\necho ran \"$1\"\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (exit, output) = await BashScript.RunAsync($"cd {_temp.Path} && PATH=.:$PATH {BatchScript.CommandLine(["A=B", "x"])}");

        Assert.Equal(0, exit);
        Assert.Equal("ran x\n", output);
    }

    [Fact]
    public void An_argument_with_a_control_character_is_refused_once_naming_it()
    {
        var ex = Assert.Throws<Flepimop2ValidationException>(() => BatchScript.CheckArguments([["ok", "a\nb", "tab\tok"], ["a\nb"]]));

        var issue = Assert.Single(ex.Issues);
        Assert.Equal("argument 1 contains a newline or other control character, which a batch script cannot pass on exactly", issue.Message);
        Assert.Equal("unsafe_argument", issue.Kind);
        Assert.Equal("a\\nb", issue.Context!["argument"]);
    }

    [Fact]
    public void A_tab_is_an_argument_a_script_can_carry()
    {
        BatchScript.CheckArguments([["tab\there"]]);
        Assert.Equal("'tab\there'", BatchScript.CommandLine(["tab\there"]));
    }

    [Fact]
    public void A_program_of_job_run_starts_as_it_is()
    {
        var request = new JobRequest(new ArgvCommand(["Rscript", "fit.R"], runsFlepimop2: false));

        Assert.Empty(BatchScript.ProgramPrefix(request, "/opt/flepimop2"));
        Assert.Empty(BatchScript.ProgramPrefix(request, null));
    }

    [Fact]
    public void A_step_starts_flepimop2_from_the_configured_executable_or_this_program()
    {
        var request = new JobRequest(new ArgvCommand(["process", "config.yaml"], runsFlepimop2: true));

        Assert.Equal(["/opt/flepimop2"], BatchScript.ProgramPrefix(request, "/opt/flepimop2"));
        Assert.Equal([Path.GetFullPath("bin/flepimop2")], BatchScript.ProgramPrefix(request, "bin/flepimop2"));
        Assert.Equal(["flepimop2"], BatchScript.ProgramPrefix(request, "flepimop2"));
        Assert.Equal(Executables.CurrentProgram(), BatchScript.ProgramPrefix(request, null));
    }

    [Fact]
    public void A_tool_missing_from_path_is_an_issue_naming_it()
    {
        var issues = BatchScript.MissingTools(tool => tool == "sbatch" ? "/usr/bin/sbatch" : null, "is Slurm installed here?", "sbatch", "squeue");

        var issue = Assert.Single(issues);
        Assert.Equal("'squeue' was not found on PATH; is Slurm installed here?", issue.Message);
        Assert.Equal("missing_executable", issue.Kind);
        Assert.Equal("squeue", issue.Context!["executable"]);
    }
}
