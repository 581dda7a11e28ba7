namespace Flepimop2.Cli.Tests;

/// <summary>
/// The built flepimop2 (a JIT program, as a build from source or a dotnet tool is) refuses a Grid Engine h_vmem under which it
/// could not start on the node. Its runtimeconfig says dynamic code is unsupported (PublishAot writes that into the JIT
/// build too), so the guard must not rest on that switch.
/// </summary>
public sealed class JitGuardCliSpecs
{
    private const string Config = """
        jobs:
          small: {module: gridengine, h_vmem: 1G}
          enough: {module: gridengine, h_vmem: 2G}
          native: {module: gridengine, h_vmem: 1G, executable: /opt/flepimop2/bin/flepimop2}
        process:
          ok: {module: shell, command: echo, args: [hi]}
        """;

    [Fact]
    public async Task The_jit_built_cli_refuses_an_h_vmem_it_could_not_start_under_unless_another_executable_runs()
    {
        using var project = new TempProject(Config);
        var environment = FakeQsub(project.Combine("tools"));

        var small = await CliRunner.RunAsync(project.Path, environment, "job", "process", "-j", "small", "-t", "ok", "--dry-run");
        var enough = await CliRunner.RunAsync(project.Path, environment, "job", "process", "-j", "enough", "-t", "ok", "--dry-run");
        var native = await CliRunner.RunAsync(project.Path, environment, "job", "process", "-j", "native", "-t", "ok", "--dry-run");

        Assert.True(small.ExitCode == 3, small.ToString());
        Assert.Contains("h_vmem 1G is below the 2G of address space this flepimop2 (a JIT build) needs to start on the node", small.Stderr, StringComparison.Ordinal);
        Assert.True(enough.ExitCode == 0, enough.ToString());
        Assert.StartsWith("would submit: qsub ", enough.Stdout, StringComparison.Ordinal);
        Assert.True(native.ExitCode == 0, native.ToString());
    }

    /// <summary>A qsub first on PATH that fails loudly: a dry run only needs to find it.</summary>
    private static Dictionary<string, string?> FakeQsub(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "qsub");
        File.WriteAllText(path, "#!/bin/sh\necho 'fake qsub: a dry run must not reach the scheduler' >&2\nexit 1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Dictionary<string, string?> { ["PATH"] = $"{directory}:{Environment.GetEnvironmentVariable("PATH")}" };
    }
}
