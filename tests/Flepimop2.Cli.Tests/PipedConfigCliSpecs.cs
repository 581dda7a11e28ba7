using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// A configuration given through a pipe (<c>job process &lt;(generate-config)</c>) is read once; the jobs, which read their
/// configuration when they run, get the copy kept in the store as <c>configs/SHA256.yaml</c>, and their provenance a hash and
/// a copy as a file's would.
/// </summary>
public sealed class PipedConfigCliSpecs
{
    private const string Config = """
        jobs:
          local: {module: shell, detach: false}
          bg: {module: shell, max-parallel: 2}
        process:
          ok: {module: shell, command: sh, args: ["-c", "echo task $FLEPIMOP2_TASK_INDEX"]}
        """;

    [Fact]
    public async Task Jobs_submitted_with_a_piped_configuration_run_from_its_copy_in_the_store_and_record_its_hash()
    {
        using var project = new TempProject(Config);
        var kept = project.Combine(".flepimop2_cache", "job", "configs", Hash(project.Combine("config.yaml")) + ".yaml");

        var blocking = await Piped(project, "job", "process", "-j", "local", "-t", "ok");
        var sweep = await Piped(project, "job", "process", "-j", "bg", "-t", "ok", "--repeat", "3");
        var sweepKey = ProvenanceCliSpecs.KeyOf(sweep);
        var waited = await project.Run("job", "wait", sweepKey, "--timeout", "60");

        Assert.True(waited.ExitCode == 0, waited.ToString());
        Assert.Contains("task", blocking.Stderr + blocking.Stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(project.Combine("config.yaml")), File.ReadAllBytes(kept));
        foreach (var key in new[] { ProvenanceCliSpecs.KeyOf(blocking), sweepKey })
        {
            var status = await project.Run("job", "status", key, "--json");
            Assert.True(status.ExitCode == 0, status.ToString());
            var handle = JsonNode.Parse(status.Stdout)!;
            Assert.Equal("successful", (string?)handle["status"]);
            var provenance = handle["provenance"]!;
            Assert.Equal(kept, (string?)provenance["config_path"]);
            Assert.Equal(Hash(kept), (string?)provenance["config_sha256"]);
            Assert.Equal(File.ReadAllBytes(kept), File.ReadAllBytes((string)provenance["config_copy"]!));
            Assert.Contains(kept, provenance["command"]!.AsArray().Select(a => (string?)a));
        }

        Assert.Equal("task 2", (await project.Run("job", "logs", sweepKey, "--task", "2")).Stdout.Trim());
    }

    [Fact]
    public async Task A_dry_run_with_a_piped_configuration_names_the_copy_and_writes_nothing()
    {
        using var project = new TempProject(Config);

        var dry = await Piped(project, "job", "process", "-j", "bg", "-t", "ok", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains(Path.Combine("configs", Hash(project.Combine("config.yaml")) + ".yaml"), dry.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.StoreDirectory), "a dry run wrote into the store");
    }

    [Fact]
    public async Task A_link_in_place_of_the_kept_configurations_is_refused_and_nothing_is_submitted()
    {
        using var project = new TempProject(Config);
        var elsewhere = Directory.CreateTempSubdirectory("flepimop2-elsewhere-");
        try
        {
            Directory.CreateDirectory(project.Combine(".flepimop2_cache", "job"));
            Directory.CreateSymbolicLink(project.Combine(".flepimop2_cache", "job", "configs"), elsewhere.FullName);

            var refused = await Piped(project, "job", "process", "-j", "bg", "-t", "ok");

            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("configs", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("symbolic link", refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere.FullName));
            var list = await project.Run("job", "list");
            Assert.Equal(string.Empty, list.Stdout.Trim());
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task A_piped_configuration_too_big_for_the_disk_is_refused_in_one_line_and_nothing_is_submitted()
    {
        using var disk = SmallDisk.Mount(64);
        using var source = new TempProject(Config + "# " + new string('x', 200 * 1024) + "\n");

        var refused = await Piped(disk.Path, source.Combine("config.yaml"), "job", "process", "-j", "bg", "-t", "ok");

        Assert.Equal(1, refused.ExitCode);
        Assert.Empty(refused.Stdout);
        var error = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Path.Combine(".flepimop2_cache", "job", "configs", Hash(source.Combine("config.yaml")) + ".yaml"), error, StringComparison.Ordinal);
        Assert.EndsWith(": the disk is full (ENOSPC: no space left on device); nothing was submitted", error, StringComparison.Ordinal);
        var files = Directory.GetFiles(disk.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(disk.Path, f));
        Assert.Equal([".flepimop2_cache/job/.lock"], files);
    }

    private static Task<CliResult> Piped(TempProject project, string command, string verb, params string[] rest) =>
        Piped(project.Path, project.Combine("config.yaml"), command, verb, rest);

    /// <summary>Runs flepimop2 in <paramref name="directory"/> with <paramref name="config"/> given as <c>&lt;(cat CONFIG)</c>, through bash.</summary>
    private static Task<CliResult> Piped(string directory, string config, string command, string verb, params string[] rest)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory };
        foreach (var arg in new[] { "-c", "config=$1; shift; exec \"$0\" \"$1\" \"$2\" <(cat \"$config\") \"${@:3}\"", CliRunner.Executable, config, command, verb }.Concat(rest))
        {
            start.ArgumentList.Add(arg);
        }

        return CliRunner.CaptureAsync(start);
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
