using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// A submission on a disk too full for it, on a real (tmpfs) disk: what it could not finish writing is gone again, the
/// error says in one line which file, that the disk is full, and whether anything was submitted; once there is space, the
/// next submission works. Batch backends are played by stand-ins for sbatch and scontrol, so no cluster is needed.
/// </summary>
public sealed class FullDiskSpecs : IDisposable
{
    private const string Config = """
        jobs:
          bg: {module: shell, detach: true}
          hpc: {module: slurm}
        """;

    /// <summary>Eighty bytes more per task: 60,000 tasks then make a task table of about 5 MB, more than the disk holds.</summary>
    private static readonly string Padding = new('x', 80);

    /// <summary>Where the stand-in tools and what they leave go: off the small disk, so they take none of its space.</summary>
    private readonly TempProject _tools = new();

    public void Dispose() => _tools.Dispose();

    private string Submitted => _tools.Combine("sbatch-was-called");

    private static string Filler(SmallDisk disk) => disk.Combine("filler");

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task A_shell_sweep_too_big_for_the_disk_leaves_nothing_behind_and_says_nothing_was_submitted_then_the_next_one_runs()
    {
        using var disk = SmallDisk.Mount(5 * 1024);
        File.WriteAllText(disk.Combine("config.yaml"), Config);

        var big = await CliRunner.RunAsync(disk.Path, "job", "run", "-j", "bg", "--repeat", "60000", "--", "true", Padding);
        var list = await CliRunner.RunAsync(disk.Path, "job", "list");

        AssertNothingSubmitted(big, disk.Combine(".flepimop2_cache", "job", "logs") + "/shell-", "/table");
        AssertNothingLeft(disk);
        Assert.Empty(list.Stdout);

        var small = await CliRunner.RunAsync(disk.Path, "job", "run", "-j", "bg", "--repeat", "3", "--", "true", Padding);
        Assert.True(small.ExitCode == 0, small.ToString());
        var key = small.StdoutLines[^1].Split(' ')[0];
        var wait = await CliRunner.RunAsync(disk.Path, "job", "wait", key);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        list = await CliRunner.RunAsync(disk.Path, "job", "list");
        Assert.EndsWith("status=successful tasks=3 successful=3", list.StdoutLines.Single(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task A_batch_sweep_too_big_for_the_disk_reaches_no_scheduler_leaves_nothing_behind_and_the_next_one_is_submitted()
    {
        using var disk = SmallDisk.Mount(5 * 1024);
        File.WriteAllText(disk.Combine("config.yaml"), Config);
        var tools = Tools(sbatch: $"touch '{Submitted}'\necho 4242");

        var dry = await CliRunner.RunAsync(disk.Path, tools, "job", "run", "-j", "hpc", "--dry-run", "--repeat", "60000", "--", "true", Padding);
        var big = await CliRunner.RunAsync(disk.Path, tools, "job", "run", "-j", "hpc", "--repeat", "60000", "--", "true", Padding);

        var runs = disk.Combine(".flepimop2_cache", "job", "slurm") + "/";
        AssertNothingSubmitted(dry, runs, "/tasks");
        AssertNothingSubmitted(big, runs, "/tasks");
        Assert.False(File.Exists(Submitted), "sbatch was called although the sweep's files could not be written");
        AssertNothingLeft(disk);

        var small = await CliRunner.RunAsync(disk.Path, tools, "job", "run", "-j", "hpc", "--repeat", "3", "--", "true", Padding);
        Assert.True(small.ExitCode == 0, small.ToString());
        Assert.StartsWith("slurm-4242 ", small.StdoutLines[^1], StringComparison.Ordinal);
        Assert.True(File.Exists(Submitted));
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task A_disk_that_fills_once_the_scheduler_holds_the_job_withdraws_it_and_says_it_never_ran()
    {
        using var disk = SmallDisk.Mount(1024);
        File.WriteAllText(disk.Combine("config.yaml"), Config);
        var held = _tools.Combine("held");
        var cancelled = _tools.Combine("cancelled");

        // The scheduler takes the job held, and meanwhile something else fills the disk: the record cannot be written.
        var tools = Tools(sbatch: $"echo \"$*\" > '{held}'\ncat /dev/zero > '{Filler(disk)}' 2>/dev/null\necho 4242");
        File.WriteAllText(_tools.Combine("bin", "scancel"), $"#!/bin/sh\necho \"$*\" > '{cancelled}'\n");
        var result = await CliRunner.RunAsync(disk.Path, tools, "job", "run", "-j", "hpc", "--", "true");

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: slurm-4242 was not recorded (", error, StringComparison.Ordinal);
        Assert.Contains("the disk is full (ENOSPC", error, StringComparison.Ordinal);
        Assert.EndsWith("it was submitted held as 4242 and withdrawn, so it never ran", error, StringComparison.Ordinal);
        Assert.StartsWith("--hold ", File.ReadAllText(held), StringComparison.Ordinal);
        Assert.Equal("4242\n", File.ReadAllText(cancelled));
        Assert.Empty(result.Stdout);
    }

    /// <summary>One line: the file (in <paramref name="directory"/>, named <paramref name="file"/> or its index), the full disk, nothing submitted.</summary>
    private static void AssertNothingSubmitted(CliResult result, string directory, string file)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Stdout);
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot write '{directory}", error, StringComparison.Ordinal);
        Assert.Matches($"{file}(\\.index)?': the disk is full \\(ENOSPC: no space left on device\\); nothing was submitted", error);
    }

    /// <summary>No run directory, no table, no temporary file: only the store's lock and the configuration.</summary>
    private static void AssertNothingLeft(SmallDisk disk)
    {
        var files = Directory.GetFiles(disk.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(disk.Path, f)).Order(StringComparer.Ordinal);
        Assert.Equal([".flepimop2_cache/job/.lock", "config.yaml"], files);
        foreach (var runs in new[] { "logs", "slurm" }.Select(d => disk.Combine(".flepimop2_cache", "job", d)).Where(Directory.Exists))
        {
            Assert.Empty(Directory.GetDirectories(runs));
        }
    }

    /// <summary>Stand-ins for the Slurm tools: <c>sbatch</c> runs <paramref name="sbatch"/>, <c>scontrol</c> tells the array limit, the rest fail.</summary>
    private Dictionary<string, string?> Tools(string sbatch)
    {
        var environment = FakeBatchTools.Environment(_tools.Combine("bin"));
        File.WriteAllText(_tools.Combine("bin", "sbatch"), $"#!/bin/sh\n{sbatch}\n");
        File.WriteAllText(_tools.Combine("bin", "scontrol"), "#!/bin/sh\necho 'MaxArraySize            = 100001'\n");
        return environment;
    }
}
