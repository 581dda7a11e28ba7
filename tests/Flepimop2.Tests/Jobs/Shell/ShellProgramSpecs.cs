using System.Text;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// A program submitted as it is (<see cref="ArgvCommand"/> with <c>runsFlepimop2: false</c>, what <c>job run</c> submits):
/// the runner's <c>executable</c> does not apply, the arguments arrive exactly, and a program that cannot be found on the
/// job's PATH is refused before anything starts.
/// </summary>
public sealed class ShellProgramSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_program_gets_its_exact_arguments_and_no_flepimop2_prefix()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Executable = "/no/such/flepimop2", LogDirectory = _temp.Combine("logs") });
        var file = _temp.Combine("argv");
        string[] args = ["-v", "--help", "@file", "--", "a b", "$HOME", "*", ""];

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(Program([TestPaths.Dummy, "run", "argv", file, .. args])));

        Assert.Equal("0", handle.MetadataText("returncode"));
        Assert.Equal(args, (await File.ReadAllTextAsync(file, Encoding.UTF8)).Split('\0'));
    }

    [Fact]
    public async Task Each_task_of_a_sweep_of_a_program_runs_it_with_its_own_index()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, LogDirectory = _temp.Combine("logs") });
        var task = Program("sh", "-c", "echo \"$FLEPIMOP2_TASK_INDEX/$FLEPIMOP2_TASK_COUNT\" >\"$0/$FLEPIMOP2_TASK_INDEX\"", _temp.Path);

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep([task, task, task])));
        var status = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Successful, status.Status);
        Assert.Equal(["0/3\n", "1/3\n", "2/3\n"], Enumerable.Range(0, 3).Select(i => File.ReadAllText(_temp.Combine(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [Fact]
    public async Task A_dry_run_shows_the_program_as_the_executable()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Executable = "/no/such/flepimop2" });

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(Program("sh", "-c", "exit 3"), dryRun: true));

        Assert.Equal("sh -c 'exit 3'", dry.Command);
        Assert.Equal("sh", dry.Details["executable"]);
    }

    [Fact]
    public void A_missing_executable_matters_only_to_commands_that_run_flepimop2()
    {
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Executable = "/no/such/flepimop2" });

        var program = runner.ValidateSubmission(new JobRequest(Program("true")));
        var flepimop2 = runner.ValidateSubmission(new JobRequest(new ProcessCommand("/p/c.yaml")));
        var mixed = runner.ValidateSubmission(JobRequest.Sweep([Program("true"), new ProcessCommand("/p/c.yaml")]));

        Assert.Empty(program);
        Assert.Equal("'/no/such/flepimop2' is not an executable file", Assert.Single(flepimop2).Message);
        Assert.Equal("executable", Assert.Single(mixed).Field);
    }

    [Theory]
    [InlineData("no-such-program-xyz", null, "program 'no-such-program-xyz' not found on the job's PATH")]
    [InlineData("./missing.sh", null, "program './missing.sh' is not an executable file")]
    [InlineData("/no/such/program", null, "program '/no/such/program' is not an executable file")]
    [InlineData("sh", "/nowhere", "program 'sh' not found on the job's PATH")]
    [InlineData("sh", "", "program 'sh' not found: the job's environment has no PATH")]
    public void A_program_that_the_job_cannot_find_is_a_validation_issue_naming_it(string program, string? path, string message)
    {
        Dictionary<string, string>? env = path switch
        {
            null => null,
            "" => new Dictionary<string, string> { ["HOME"] = "/" },
            _ => new Dictionary<string, string> { ["PATH"] = path },
        };
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Cwd = _temp.Path, Env = env });

        var issue = Assert.Single(runner.ValidateSubmission(JobRequest.Sweep([Program(program, "x"), Program(program, "y")])));

        Assert.Equal(message, issue.Message);
        Assert.Equal(message, runner.ProgramProblem(program));
        Assert.Equal("missing_executable", issue.Kind);
        Assert.Equal(program, issue.Context!["program"]);
    }

    [Fact]
    public async Task A_program_is_found_on_the_jobs_own_path_and_a_relative_path_in_its_working_directory()
    {
        var bin = Directory.CreateDirectory(_temp.Combine("bin")).FullName;
        await File.WriteAllTextAsync(Path.Combine(bin, "model"), "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(Path.Combine(bin, "model"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var runner = new ShellJobRunner(new ShellJobOptions { Detach = false, Cwd = _temp.Path, Env = new Dictionary<string, string> { ["PATH"] = bin } });

        Assert.Null(runner.ProgramProblem("model"));
        Assert.Null(runner.ProgramProblem("./bin/model"));
        Assert.Null(runner.ProgramProblem(Path.Combine(bin, "model")));
        Assert.Equal("program 'model' not found on the job's PATH", new ShellJobRunner(new ShellJobOptions { Cwd = _temp.Path }).ProgramProblem("model"));
        await Assert.ThrowsAsync<Flepimop2ValidationException>(() => new ShellJobRunner().SubmitAsync(Program("no-such-program-xyz")));
    }

    private static ArgvCommand Program(params string[] argv) => new(argv, runsFlepimop2: false);
}
