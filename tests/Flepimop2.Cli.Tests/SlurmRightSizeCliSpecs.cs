using System.Globalization;
using Flepimop2.Jobs;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Right-sizing on the real cluster, which kills a job over its memory (OverMemoryKill): a sweep whose tasks ran out of
/// memory, retried with <c>--right-size</c>, succeeds; a sweep that asked for 8G and used a few hundred megabytes is sized
/// down, for a retry and for a new submission (<c>--size-from</c>), both shown in their dry runs.
/// </summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmRightSizeCliSpecs
{
    private const string Wait = "300";

    [Fact]
    public async Task A_sweep_out_of_memory_retried_with_right_size_ends_successful()
    {
        using var project = Project("200M");

        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "hold", "--repeat", "2"));
        var failed = await project.Run("job", "wait", key, "--timeout", Wait);
        var retry = await project.Run("job", "retry", key, "--right-size");
        var again = SlurmCluster.KeyOf(retry);
        var wait = await project.Run("job", "wait", again, "--timeout", Wait);
        var status = await project.Run("job", "status", again, "--json");

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains($"sized from {key}: --memory 400M", retry.Stderr, StringComparison.Ordinal);
        Assert.Contains("ran out of memory", retry.Stderr, StringComparison.Ordinal);
        Assert.True(wait.ExitCode == 0, $"{wait}\n{status}");
    }

    [Fact]
    public async Task A_sweep_that_asked_for_8G_and_used_little_is_sized_down_for_a_retry_and_a_new_submission()
    {
        using var project = Project("8G");

        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "hold", "--repeat", "2", "--max-parallel", "1"));
        var wait = await project.Run("job", "wait", key, "--timeout", Wait);
        var retry = await project.Run("job", "retry", key, "--right-size", "--dry-run");
        var next = await project.Run("job", "process", "-j", "hpc", "-t", "hold", "--size-from", key, "--dry-run");

        Assert.True(wait.ExitCode == 0, wait.ToString());
        foreach (var dry in new[] { retry, next })
        {
            Assert.True(dry.ExitCode == 0, dry.ToString());
            var sized = Assert.Single(dry.Stderr.Split('\n'), l => l.StartsWith($"sized from {key}: --memory ", StringComparison.Ordinal));
            var memory = MemoryRequest.Parse(sized.Split(' ')[4]);
            Assert.InRange(memory.Bytes, 150L << 20, 1L << 30);
            var script = Assert.Single(dry.StdoutLines, l => l.StartsWith("  script: ", StringComparison.Ordinal))["  script: ".Length..];
            Assert.Contains($"#SBATCH --mem={memory.Amount.ToString(CultureInfo.InvariantCulture)}{memory.Unit}", File.ReadAllText(script), StringComparison.Ordinal);
        }
    }

    /// <summary>A project whose slurm runner asks for <paramref name="memory"/>; its step holds 150 MB for 5 s (about 270 MB with the two flepimop2 processes around it).</summary>
    private static TempProject Project(string memory)
    {
        var project = new TempProject();
        File.WriteAllText(project.Combine("config.yaml"), $"""
            jobs:
              hpc:
                module: slurm
                memory: {memory}
                time: "10"
                chdir: '{project.Path}'
                sbatch-directory: '{project.Combine("scripts")}'
            process:
              hold:
                module: shell
                command: '{CliRunner.Dummy}'
                args: ["process", "allocate", "150", "5"]
            """);
        return project;
    }
}
