using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>A job submitted to the real Grid Engine cell records its provenance: the rendered script and the copy of its configuration in its run directory.</summary>
[Trait(Needs.Trait, Needs.GridEngine)]
public sealed class GridEngineProvenanceCliSpecs
{
    [Fact]
    public async Task A_grid_engine_job_records_its_script_and_a_copy_of_its_configuration_in_its_run_directory()
    {
        using var project = new TempProject();
        File.WriteAllText(project.Combine("config.yaml"), $"jobs:\n  ge:\n    module: gridengine\n    chdir: '{project.Path}'\n");
        GridEngineCell.Require();

        var key = ProvenanceCliSpecs.KeyOf(await project.Run("job", "run", "-j", "ge", "--", "/bin/true"));
        var shown = await project.Run("job", "status", key, "--provenance", "--json");
        var wait = await project.Run("job", "wait", key, "--timeout", "120");

        var provenance = ProvenanceCliSpecs.BatchProvenance(shown, project.Combine("config.yaml"));
        Assert.Equal(["/bin/true"], provenance["command"]!.AsArray().Select(a => (string)a!));
        Assert.True(wait.ExitCode == 0, wait.ToString());
    }
}
