using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The manual's ways to install (docs/getting-started.md): the tool from the package folder, the library from a program of one's own. (The third,
/// the release binary, is built and checked by .ci/run through scripts/publish.sh.)
/// </summary>
[Collection(InstallGroup.Name)]
[Trait(Needs.Trait, Needs.Minutes)]
public sealed partial class InstallSpecs(PackedPackages packages)
{
    private static readonly TimeSpan SdkLimit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_packages_carry_the_readme_the_license_the_repository_and_the_commit()
    {
        var head = await Repository.HeadAsync();
        var readme = await File.ReadAllBytesAsync(Path.Combine(Repository.Root, "README.md"));
        foreach (var id in new[] { "Flepimop2", "Flepimop2.Cli" })
        {
            using var package = ZipFile.OpenRead(packages.Package(id));
            var nuspec = Nuspec(package);
            string? Meta(string name) => nuspec.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal(id, Meta("id"));
            Assert.Equal(packages.Version, Meta("version"));
            Assert.Equal("MIT", Meta("license"));
            Assert.Equal("README.md", Meta("readme"));
            Assert.Equal(readme, Bytes(package, "README.md"));
            Assert.Equal("https://github.com/ACCIDDA/flepimop2-dotnet", Meta("projectUrl"));
            Assert.False(string.IsNullOrWhiteSpace(Meta("description")) || Meta("description") == "Package Description", $"{id} has no description of its own");
            var repository = nuspec.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("https://github.com/ACCIDDA/flepimop2-dotnet", (string?)repository.Attribute("url"));
            Assert.Equal(head, (string?)repository.Attribute("commit"));
            Assert.True(File.Exists(Path.ChangeExtension(packages.Package(id), ".snupkg")), $"no symbol package beside {id}");
        }

        // The library: its assembly with its XML documentation, and what it needs as package dependencies.
        using (var library = ZipFile.OpenRead(packages.Package("Flepimop2")))
        {
            var entries = library.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/Flepimop2.Core.dll", entries);
            Assert.Contains("lib/net10.0/Flepimop2.Core.xml", entries);
            var dependencies = Nuspec(library).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
            Assert.Contains("YamlDotNet", dependencies);
            Assert.Contains("Microsoft.Extensions.Logging.Abstractions", dependencies);
        }

        // The tool: a .NET tool named flepimop2 that runs on the installed .NET (not a Native AOT binary), everything inside.
        using var tool = ZipFile.OpenRead(packages.Package("Flepimop2.Cli"));
        Assert.Contains(Nuspec(tool).Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        var command = XDocument.Load(tool.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open()).Descendants("Command").Single();
        Assert.Equal("flepimop2", (string?)command.Attribute("Name"));
        Assert.Equal("flepimop2.dll", (string?)command.Attribute("EntryPoint"));
        Assert.Equal("dotnet", (string?)command.Attribute("Runner"));
        Assert.NotNull(tool.GetEntry("tools/net10.0/any/Flepimop2.Core.dll"));
    }

    [Fact]
    public async Task The_tool_installs_from_the_package_folder_and_runs_jobs_and_lists_them()
    {
        using var scratch = new TempProject();
        var tools = scratch.Combine("tools");
        // Only the package folder as a source, and a package cache of its own: what is installed is what was just packed,
        // never an older Flepimop2.Cli of the same version from the user's cache.
        var config = scratch.Combine("nuget.config");
        await File.WriteAllTextAsync(config, """<configuration><packageSources><clear /></packageSources></configuration>""");
        var install = await Dotnet.RunAsync(
            scratch.Path,
            SdkLimit,
            new Dictionary<string, string?> { ["NUGET_PACKAGES"] = scratch.Combine("nuget") },
            "tool", "install", "--tool-path", tools, "--add-source", packages.Folder, "--configfile", config, "Flepimop2.Cli", "--version", packages.Version);
        Assert.True(install.ExitCode == 0, install.ToString());
        var flepimop2 = Path.Combine(tools, "flepimop2");
        Assert.True(File.Exists(flepimop2), $"no {flepimop2} after the install\n{install}");
        var environment = new Dictionary<string, string?> { ["DOTNET_ROOT"] = Dotnet.Root };
        Task<CliResult> Run(string directory, params string[] args) => Dotnet.RunProgramAsync(flepimop2, directory, CliRunner.CallLimit, environment, args);

        var version = await Run(scratch.Path, "--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal($"{packages.Version}+{await Repository.HeadAsync()}", version.Stdout.Trim());

        using var project = new TempProject("""
            jobs:
              local:
                module: shell
                detach: false
            process:
              hello:
                module: shell
                command: sh
                args: ["-c", "echo hello from the installed tool > hello.txt"]
            """);
        // A configured step, which the installed tool runs as `flepimop2 process` through itself, then any program.
        var step = await Run(project.Path, "job", "process", "-j", "local", "-t", "hello");
        Assert.True(step.ExitCode == 0, step.ToString());
        var program = await Run(project.Path, "job", "run", "-j", "local", "--", "sh", "-c", "exit 4");
        Assert.True(program.ExitCode == 0, program.ToString());
        Assert.Equal("hello from the installed tool\n", await File.ReadAllTextAsync(project.Combine("hello.txt")));

        var list = await Run(project.Path, "job", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(2, list.StdoutLines.Length);
        Assert.Equal($"{Key(step)} submitted_at={SubmittedAt(step)} status=successful", list.StdoutLines[0]);
        Assert.Equal($"{Key(program)} submitted_at={SubmittedAt(program)} status=failed", list.StdoutLines[1]);
    }

    [Fact]
    public async Task A_program_that_references_the_library_package_submits_a_shell_job()
    {
        // Outside the repository (its Directory.Build.props and central package versions must not apply), in a path with
        // a space. Flepimop2 comes only from the package folder, into a package cache of its own, so the program is built
        // on what was just packed; its dependencies come from the packages this machine already has, without a network.
        using var consumer = new TempProject();
        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(consumer.Combine("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="flepimop2" value="{packages.Folder}" />
                <add key="this machine's packages" value="{userPackages}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="flepimop2"><package pattern="Flepimop2" /></packageSource>
                <packageSource key="this machine's packages"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        await File.WriteAllTextAsync(consumer.Combine("Directory.Build.props"), "<Project><PropertyGroup><ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps></PropertyGroup></Project>");
        await File.WriteAllTextAsync(consumer.Combine("Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(consumer.Combine("consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(consumer.Combine("Program.cs"), """
            using Flepimop2.Commands;
            using Flepimop2.Configuration;
            using Flepimop2.Jobs;
            using Flepimop2.Store;

            // A detached job on the shell runner, recorded in this directory's store as the tool records its own, then waited for.
            var runner = JobRunners.Build("shell(detach=true)");
            var command = new ArgvCommand(["sh", "-c", "echo \"hello from $1\" > hello.txt; exit 3", "sh", "the Flepimop2 package"], runsFlepimop2: false);
            var handle = (JobHandle)await runner.SubmitAsync(new JobRequest(command));
            var store = JobStore.ForDirectory(Environment.CurrentDirectory);
            var job = store.Save(handle, runner.ToConfiguration());
            var waited = await new JobTracker(store).WaitAsync([job], TimeSpan.FromSeconds(60));
            var status = waited.Latest[job.Key];
            Console.WriteLine(status);
            Console.WriteLine($"returncode={status.Detail["returncode"]}");
            Console.WriteLine($"recorded as {JobRecordJson.ReadHandle(JobRecordJson.Serialize(handle)).Key}");
            return status.Status == JobStatus.Failed ? 0 : 1;
            """);
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = consumer.Combine("nuget") };

        var add = await Dotnet.RunAsync(consumer.Path, SdkLimit, environment, "add", "package", "Flepimop2", "--version", packages.Version);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains($"""<PackageReference Include="Flepimop2" Version="{packages.Version}" />""", await File.ReadAllTextAsync(consumer.Combine("consumer.csproj")));
        Assert.True(Directory.Exists(consumer.Combine("nuget", "flepimop2", packages.Version)), $"Flepimop2 {packages.Version} was not restored from the package folder\n{add}");

        var run = await Dotnet.RunAsync(consumer.Path, SdkLimit, environment, "run");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, run.StdoutLines.Length);
        Assert.Matches(HandleLine(), run.StdoutLines[0]);
        Assert.EndsWith(" status=failed", run.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal("returncode=3", run.StdoutLines[1]);
        var key = run.StdoutLines[0].Split(' ')[0];
        Assert.Equal($"recorded as {key}", run.StdoutLines[2]);
        Assert.Equal("hello from the Flepimop2 package\n", await File.ReadAllTextAsync(consumer.Combine("hello.txt")));

        // The record the program wrote is one the tool reads.
        var list = await CliRunner.RunAsync(consumer.Path, "job", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal($"{run.StdoutLines[0]}", Assert.Single(list.StdoutLines));
    }

    private static XElement Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static byte[] Bytes(ZipArchive package, string entry)
    {
        using var stream = package.GetEntry(entry)?.Open() ?? throw new FileNotFoundException($"no {entry} in the package");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Key(CliResult submitted)
    {
        Assert.Matches(HandleLine(), submitted.Stdout.Trim());
        return submitted.Stdout.Trim().Split(' ')[0];
    }

    private static string SubmittedAt(CliResult submitted) => submitted.Stdout.Trim().Split(' ')[1]["submitted_at=".Length..];

    [GeneratedRegex(@"^shell-[0-9a-z.]+ submitted_at=\S+")]
    private static partial Regex HandleLine();
}

/// <summary>What <c>flepimop2 --version</c> says.</summary>
public sealed class VersionSpecs
{
    [Fact]
    public async Task Version_prints_the_package_version_and_the_commit_it_was_built_from()
    {
        using var project = new TempProject();
        var result = await project.Run("--version");
        Assert.True(result.ExitCode == 0, result.ToString());
        var printed = result.Stdout.Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+[^+]*\+[0-9a-f]{7,40}$", printed);
        Assert.Equal($"{await Repository.VersionAsync()}+{await Repository.HeadAsync()}", printed);
        Assert.Equal("", result.Stderr);
    }
}
