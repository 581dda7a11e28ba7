using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>A job submitted to the real Slurm cluster records its provenance: the rendered script and the copy of its configuration in its run directory.</summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmProvenanceCliSpecs
{
    [Fact]
    public async Task A_slurm_job_records_its_script_and_a_copy_of_its_configuration_in_its_run_directory()
    {
        using var project = SlurmCluster.Project();

        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "ok"));
        var shown = await project.Run("job", "status", key, "--provenance", "--json");
        var wait = await project.Run("job", "wait", key, "--timeout", "120");

        var provenance = ProvenanceCliSpecs.BatchProvenance(shown, project.Combine("config.yaml"));
        Assert.Contains("#SBATCH", File.ReadAllText((string)provenance["script_path"]!), StringComparison.Ordinal);
        Assert.True(wait.ExitCode == 0, wait.ToString());
    }
}
