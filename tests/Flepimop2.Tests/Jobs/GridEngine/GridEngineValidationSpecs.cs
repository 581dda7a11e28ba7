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
}
