using System.Diagnostics;
using System.Text;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The install tests, one after the other and alone: they pack, install and build with the .NET SDK, which takes both
/// cores for a while and would slow the timing-sensitive tests beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InstallGroup : ICollectionFixture<PackedPackages>
{
    public const string Name = "install";
}

/// <summary>
/// The two packages as <c>dotnet pack -c Release -o DIR</c> makes them from this repository's sources, packed once for the
/// install tests into a temporary directory (with its own build output, so the repository's artifacts/ is left alone):
/// two Release builds from scratch, minutes on a 2-core machine.
/// </summary>
[FixtureNeeds(Needs.Minutes)]
public sealed class PackedPackages : IAsyncLifetime
{
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(6);

    public PackedPackages() => Root = Directory.CreateTempSubdirectory("flepimop2 packages ").FullName;

    /// <summary>A temporary directory; removed at the end.</summary>
    public string Root { get; }

    /// <summary>Where the packages are: the folder given to <c>--add-source</c>.</summary>
    public string Folder => Path.Combine(Root, "packages");

    /// <summary>The version in Directory.Build.props, which both packages carry.</summary>
    public string Version { get; private set; } = "";

    public string Package(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Version = await Repository.VersionAsync();
        foreach (var project in new[] { "src/Flepimop2/Flepimop2.csproj", "src/Flepimop2.Cli/Flepimop2.Cli.csproj" })
        {
            var result = await Dotnet.RunAsync(
                Repository.Root,
                PackLimit,
                "pack", Path.Combine(Repository.Root, project), "-c", "Release", "-o", Folder,
                $"-p:ArtifactsPath={Path.Combine(Root, "artifacts")}", "--disable-build-servers", "--nologo");
            Assert.True(result.ExitCode == 0, $"dotnet pack {project} failed\n{result}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>This repository: where it is, its commit and its version.</summary>
public static class Repository
{
    /// <summary>The directory holding Flepimop2.slnx, found from the test's own output directory (artifacts/bin/...).</summary>
    public static string Root => Flepimop2.Tests.Common.SourceTree.Root;

    /// <summary>The commit checked out, as <c>git rev-parse HEAD</c> says.</summary>
    public static async Task<string> HeadAsync()
    {
        var result = await Dotnet.RunProgramAsync("git", Root, TimeSpan.FromSeconds(30), null, "rev-parse", "HEAD");
        Assert.True(result.ExitCode == 0, $"git rev-parse HEAD failed\n{result}");
        return result.Stdout.Trim();
    }

    /// <summary>The version both packages and the binaries carry, as MSBuild reads it from Directory.Build.props.</summary>
    public static async Task<string> VersionAsync()
    {
        var result = await Dotnet.RunAsync(Root, TimeSpan.FromMinutes(2), "msbuild", Path.Combine(Root, "src/Flepimop2.Cli/Flepimop2.Cli.csproj"), "-getProperty:Version");
        Assert.True(result.ExitCode == 0, $"dotnet msbuild -getProperty:Version failed\n{result}");
        var version = result.Stdout.Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        return version;
    }
}

/// <summary>Runs the .NET SDK (or another program) as a child process with a time limit, and captures what it says.</summary>
public static class Dotnet
{
    /// <summary>The dotnet that runs these tests.</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>The .NET installation these tests run on: what a framework-dependent tool needs as DOTNET_ROOT.</summary>
    public static string Root => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    public static Task<CliResult> RunAsync(string directory, TimeSpan limit, params string[] args) =>
        RunAsync(directory, limit, null, args);

    public static Task<CliResult> RunAsync(string directory, TimeSpan limit, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunProgramAsync(Host, directory, limit, environment, args);

    /// <summary>
    /// Runs a program. MSBuild's settings that <c>dotnet test</c> hands to its children are removed, and no build server or
    /// reused node is left behind holding the output pipes open.
    /// </summary>
    public static async Task<CliResult> RunProgramAsync(string program, string directory, TimeSpan limit, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        // Read by MSBuild as a property: the compiler runs in the build, not in a server that outlives it.
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{program} {string.Join(' ', args.Select(a => $"'{a}'"))} (in '{directory}') ran {clock.Elapsed.TotalSeconds:0.0} s, past its " +
                $"{limit.TotalSeconds:0} s limit, and was killed.\n--- stdout so far\n{await stdout}\n--- stderr so far\n{await stderr}");
        }

        // A process left behind that still holds the pipes must not hang the test.
        await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(30));
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
