using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Right-sizing on the real Grid Engine cell of this machine (scripts/gridengine/start-cell.sh), whose <c>h_vmem</c> caps
/// each process's address space: a sweep that asked for 8G and held 150 MB is sized down and the retry succeeds; a .NET
/// program, whose runtime reserves nearly all the address space it is allowed, is not sized below the limit it ran in;
/// a sweep whose tasks ran out of address space, retried with <c>--right-size</c>, succeeds.
/// </summary>
[Trait(Needs.Trait, Needs.GridEngine)]
public sealed class GridEngineRightSizeCliSpecs : IDisposable
{
    private const string Wait = "240";

    /// <summary>Holds 150 MB for 3 s.</summary>
    private const string Hold = "import time; x = bytearray(150 << 20); time.sleep(3)";

    /// <summary>
    /// Takes 100 MB at a time up to 2.5 GB; when the address space runs out it holds what it has for 3 s (so the accounting
    /// samples it) and fails with Python's MemoryError, as a program under <c>h_vmem</c> does.
    /// </summary>
    private const string Grow = """
        import time
        held = []
        try:
            while len(held) < 25:
                held.append(bytearray(100 << 20))
        except MemoryError:
            time.sleep(3)
            raise
        """;

    // The jobs run in a directory without a space in its path; the store is the project's.
    private readonly string _run = Directory.CreateTempSubdirectory("flepimop2-ge-size-").FullName;

    public void Dispose() => Directory.Delete(_run, recursive: true);

    [Fact]
    public async Task A_sweep_that_asked_for_8G_and_held_150M_is_sized_down_and_the_retry_succeeds()
    {
        GridEngineCell.Require();
        using var project = Project("8G");

        var key = ProvenanceCliSpecs.KeyOf(await project.Run("job", "run", "-j", "ge", "--repeat", "2", "--", "python3", "-c", Hold));
        var wait = await project.Run("job", "wait", key, "--timeout", Wait);
        var retry = await project.Run("job", "retry", key, "--right-size");
        var again = ProvenanceCliSpecs.KeyOf(retry);
        var waitAgain = await project.Run("job", "wait", again, "--timeout", Wait);

        Assert.True(wait.ExitCode == 0, wait.ToString());
        var memory = Sized(retry, key);
        Assert.InRange(memory.Bytes, 150L << 20, 1L << 30);
        Assert.True(waitAgain.ExitCode == 0, $"{waitAgain}\n{await project.Run("job", "status", again, "--task", "0")}");
    }

    [Fact]
    public async Task A_dotnet_program_is_not_sized_below_the_address_space_it_ran_in()
    {
        GridEngineCell.Require();
        using var project = Project("4G");

        var key = ProvenanceCliSpecs.KeyOf(await project.Run("job", "process", "-j", "ge", "-t", "hold", "--repeat", "2"));
        var wait = await project.Run("job", "wait", key, "--timeout", Wait);
        var status = await project.Run("job", "status", key, "--task", "0");
        var dry = await project.Run("job", "retry", key, "--right-size", "--dry-run");

        Assert.True(wait.ExitCode == 0, wait.ToString());
        var space = Assert.Single(status.StdoutLines, l => l.StartsWith("  peak_vmem_bytes: ", StringComparison.Ordinal));
        Assert.True(long.Parse(space["  peak_vmem_bytes: ".Length..], System.Globalization.CultureInfo.InvariantCulture) > 1L << 30, status.ToString());
        Assert.Equal("4G", Sized(dry, key).ToString());
        Assert.Contains("-l h_vmem=4G", dry.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_out_of_address_space_retried_with_right_size_ends_successful()
    {
        GridEngineCell.Require();
        using var project = Project("2G");

        var key = ProvenanceCliSpecs.KeyOf(await project.Run("job", "run", "-j", "ge", "--repeat", "2", "--", "python3", "-c", Grow));
        var failed = await project.Run("job", "wait", key, "--timeout", Wait);
        var status = await project.Run("job", "status", key, "--task", "0");
        var retry = await project.Run("job", "retry", key, "--right-size");
        var again = ProvenanceCliSpecs.KeyOf(retry);
        var wait = await project.Run("job", "wait", again, "--timeout", Wait);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("ran out of memory", status.Stdout, StringComparison.Ordinal);
        Assert.Equal("4G", Sized(retry, key).ToString());
        Assert.True(wait.ExitCode == 0, $"{wait}\n{await project.Run("job", "status", again, "--task", "1")}");
    }

    /// <summary>The memory <c>--right-size</c> printed it would ask for.</summary>
    private static Flepimop2.Jobs.MemoryRequest Sized(CliResult result, string key)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n'), l => l.StartsWith($"sized from {key}: --memory ", StringComparison.Ordinal));
        return Flepimop2.Jobs.MemoryRequest.Parse(line.Split(' ')[4]);
    }

    /// <summary>A project whose Grid Engine runner asks for <paramref name="memory"/> of h_vmem; its step holds 150 MB in a .NET program.</summary>
    private TempProject Project(string memory) => new($$"""
        jobs:
          ge: {module: gridengine, h_vmem: {{memory}}, h_rt: "10", chdir: {{_run}}, script-directory: {{_run}}}
        process:
          hold: {module: shell, command: '{{CliRunner.Dummy}}', args: ["process", "allocate", "150", "3"]}
        """);
}
