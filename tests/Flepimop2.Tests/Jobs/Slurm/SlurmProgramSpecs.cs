using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// What <c>job run</c> and <c>job simulate</c> submit to Slurm, against a fake process layer (no scheduler): a program runs
/// as it is, without the runner's executable, and a simulation runs under the configured executable (the original program).
/// </summary>
public sealed class SlurmProgramSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_program_is_the_scripts_command_with_its_exact_arguments_and_no_executable()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok("4242\n"));
        var runner = SlurmRunners.With(slurm, Options());

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(Program("Rscript", "model file.R", "-v", "--help", "@args", "--", "$HOME", "a'b")));

        var script = await File.ReadAllTextAsync(handle.MetadataText("script")!);
        Assert.Contains("\nflepimop2_recorded Rscript 'model file.R' -v --help @args -- '$HOME' 'a'\\''b'\nflepimop2_exit_code=$?\n", script, StringComparison.Ordinal);
        Assert.DoesNotContain("/opt/flepimop2", script, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --job-name=flepimop2:Rscript:none:default\n", script, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --comment=\"flepimop2 command=Rscript config=none target=default\"\n", script, StringComparison.Ordinal);
        Assert.Equal("flepimop2:Rscript:none:default", handle.MetadataText("job_name"));
        Assert.Equal(["sbatch", "--parsable", handle.MetadataText("script")!], Assert.Single(slurm.Calls));
    }

    [Fact]
    public async Task A_sweep_of_a_program_puts_its_exact_argv_in_the_task_table()
    {
        var slurm = new CannedTools(argv => argv[0] == "scontrol" ? CannedTools.Ok("MaxArraySize            = 1001\n") : CannedTools.Ok("77\n"));
        var runner = SlurmRunners.With(slurm, Options());
        var task = Program("/usr/bin/env", "-v", "--", "x y");

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep([task, task, task], maxParallel: 2) with { DryRun = true }));

        Assert.Equal($"sbatch --parsable --array=0-2%2 {dry.Details["script"]} 0", dry.Command);
        Assert.Equal("/usr/bin/env -v -- 'x y'", dry.Details["first_task"]);
        Assert.Equal("flepimop2:env:none:default", dry.Details["job_name"]);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(["/usr/bin/env", "-v", "--", "x y"], TaskTable.Read(dry.Details["task_table"], i)));
        Assert.Empty(slurm.CallsOf("sbatch"));
    }

    [Fact]
    public async Task A_simulation_runs_under_the_configured_executable_as_the_original_takes_it()
    {
        var slurm = new CannedTools(_ => CannedTools.Ok("4243\n"));
        var runner = SlurmRunners.With(slurm, Options() with { Executable = "/opt/py/bin/flepimop2" });
        var config = _temp.Combine("config.yaml");

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new SimulateCommand(config) { SimulateTarget = "sir", Verbosity = 2 }));

        var script = await File.ReadAllTextAsync(handle.MetadataText("script")!);
        Assert.Contains($"\nflepimop2_recorded /opt/py/bin/flepimop2 simulate {config} --target=sir -vv\n", script, StringComparison.Ordinal);
        Assert.Equal("flepimop2:simulate:config:sir", handle.MetadataText("job_name"));
        Assert.Equal("/opt/py/bin/flepimop2", runner.Executable);
    }

    [Theory]
    [InlineData("Rscript")]
    [InlineData("model-on-the-node")]
    public void A_bare_program_name_is_left_to_the_compute_nodes_path(string program)
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options());

        Assert.Null(runner.ProgramProblem(program));
        Assert.Empty(runner.ValidateSubmission(new JobRequest(Program(program))));
    }

    [Fact]
    public async Task A_program_path_must_be_an_executable_file_relative_to_the_jobs_working_directory()
    {
        var runner = SlurmRunners.With(new CannedTools(_ => CannedTools.Ok()), Options());
        Directory.CreateDirectory(_temp.Combine("bin"));
        await File.WriteAllTextAsync(_temp.Combine("bin", "model"), "#!/bin/sh\n");
        await File.WriteAllTextAsync(_temp.Combine("bin", "data"), "not a program\n");
        File.SetUnixFileMode(_temp.Combine("bin", "model"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var issue = Assert.Single(runner.ValidateSubmission(new JobRequest(Program("/no/such/model"))));

        Assert.Equal("program '/no/such/model' is not an executable file", issue.Message);
        Assert.Equal("missing_executable", issue.Kind);
        Assert.Null(runner.ProgramProblem(_temp.Combine("bin", "model")));
        Assert.Null(runner.ProgramProblem("bin/model"));
        Assert.Equal("program 'bin/data' is not an executable file", runner.ProgramProblem("bin/data"));
        Assert.Equal("program './model' is not an executable file", runner.ProgramProblem("./model"));
    }

    private static ArgvCommand Program(params string[] argv) => new(argv, runsFlepimop2: false);

    private SlurmJobOptions Options() => new()
    {
        Chdir = _temp.Path,
        ScriptDirectory = _temp.Combine("scripts"),
        Executable = "/opt/flepimop2",
    };
}
