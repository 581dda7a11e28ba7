namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>job retry --right-size</c> and <c>job process --size-from</c> without a cluster: refused with the reason when the job
/// has no usage figures, when the runner takes no memory limit (its own rule), or beside --memory.
/// </summary>
public sealed class RightSizeCliSpecs
{
    private const string Config = """
        jobs:
          local: {module: shell, detach: false}
        process:
          ok: {module: shell, command: "true"}
        """;

    [Fact]
    public async Task A_record_without_usage_figures_is_refused_with_the_reason()
    {
        using var project = new TempProject();
        Directory.CreateDirectory(project.StoreDirectory);
        foreach (var file in Directory.GetFiles(Path.Combine(CliRunner.Fixtures, ".flepimop2_cache"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(project.StoreDirectory, Path.GetRelativePath(Path.Combine(CliRunner.Fixtures, ".flepimop2_cache"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var retry = await project.Run("job", "retry", "shell-6546", "--right-size", "--dry-run");

        Assert.Equal(1, retry.ExitCode);
        Assert.Contains("--right-size: shell-6546 has no usage figures to size from", retry.Stderr, StringComparison.Ordinal);
        Assert.Contains("give --memory and --time yourself", retry.Stderr, StringComparison.Ordinal);
        Assert.Empty(retry.Stdout);
    }

    [Fact]
    public async Task A_shell_job_is_sized_but_the_shell_runner_takes_no_memory_so_both_ways_are_refused()
    {
        using var project = new TempProject(Config);
        var key = ProvenanceCliSpecs.KeyOf(await project.Run("job", "process", "-j", "local", "-t", "ok"));

        var retry = await project.Run("job", "retry", key, "--right-size", "--dry-run");
        var sizeFrom = await project.Run("job", "process", "-j", "local", "-t", "ok", "--size-from", key, "--dry-run");
        var both = await project.Run("job", "retry", key, "--right-size", "--memory", "1G");

        Assert.Equal(2, retry.ExitCode);
        Assert.Contains($"sized from {key}: --memory 64M --time 0-00:01:00", retry.Stderr, StringComparison.Ordinal);
        Assert.Contains("--right-size: flepimop2.job.shell takes no memory, so it cannot be sized; leave out --right-size", retry.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, sizeFrom.ExitCode);
        Assert.Contains("--size-from: flepimop2.job.shell takes no memory", sizeFrom.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("give either --right-size or --memory/--time", both.Stderr, StringComparison.Ordinal);
    }
}
