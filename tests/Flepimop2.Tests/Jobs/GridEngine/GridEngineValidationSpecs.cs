using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.GridEngine;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>Checks made before a Grid Engine submission that need no cell.</summary>
public sealed class GridEngineValidationSpecs
{
    [Theory]
    [InlineData("1G", null, true)]
    [InlineData("1800M", null, true)]
    [InlineData("2G", null, false)]
    [InlineData("8G", null, false)]
    [InlineData(null, null, false)]
    [InlineData("1G", "/opt/flepimop2/bin/flepimop2", false)]
    public void An_h_vmem_too_small_for_this_jit_build_to_start_is_refused_unless_another_executable_runs(string? memory, string? executable, bool refused)
    {
        // These tests run under the JIT, as a flepimop2 installed as a dotnet tool does.
        var runner = new GridEngineJobRunner(new GridEngineJobOptions { Memory = memory is null ? null : MemoryRequest.Parse(memory), Executable = executable });

        var issues = runner.ValidateSubmission(new JobRequest(new ProcessCommand("config.yaml")));
        var program = runner.ValidateSubmission(new JobRequest(new ArgvCommand(["Rscript", "model.R"], runsFlepimop2: false)));

        var issue = issues.SingleOrDefault(i => i.Kind == "address_space");
        Assert.Equal(refused, issue is not null);
        Assert.DoesNotContain(program, i => i.Kind == "address_space");
        if (refused)
        {
            Assert.Equal("h_vmem", issue!.Field);
            Assert.StartsWith($"h_vmem {memory} is below the 2G of address space this flepimop2 (a JIT build) needs to start on the node", issue.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_retried_sweep_whose_recorded_tasks_start_this_program_is_checked_as_one_that_runs_flepimop2()
    {
        // A sweep's retry runs its task table's command lines as recorded, this program's path first.
        var runner = new GridEngineJobRunner(new GridEngineJobOptions { Memory = MemoryRequest.Parse("500M") });
        var program = Flepimop2.Subprocesses.Executables.CurrentProgram();
        CliCommand recorded = new ArgvCommand([.. program, "process", "/p/config.yaml", "--target=hold"], runsFlepimop2: false);

        var issues = runner.ValidateSubmission(JobRequest.Sweep([recorded, recorded]));

        Assert.Contains(issues, i => i.Kind == "address_space");
    }
}
