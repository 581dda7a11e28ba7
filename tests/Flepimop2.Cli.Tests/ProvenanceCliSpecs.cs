using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>job status KEY --provenance</c> (and <c>--json</c>) on the shell runner: what a submission recorded of its
/// configuration, its repository, the version, the command and the environment; and a record of the original has none.
/// </summary>
public sealed class ProvenanceCliSpecs
{
    private const string Config = """
        jobs:
          local: {module: shell, detach: false, env: {GREETING: "hello there", PATH: "/usr/bin:/bin"}}
          bg: {module: shell}
        process:
          ok: {module: shell, command: "true"}
        """;

    [Fact]
    public async Task Status_with_provenance_shows_the_configuration_its_hash_copy_commit_command_and_environment()
    {
        using var project = new TempProject(Config);
        Git(project.Path, "init", "-q");
        Git(project.Path, "add", "config.yaml");
        Git(project.Path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
        var commit = Git(project.Path, "rev-parse", "HEAD").Trim();

        var key = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "ok"));
        var status = await project.Run("job", "status", key, "--provenance");

        Assert.True(status.ExitCode == 0, status.ToString());
        var lines = status.StdoutLines;
        Assert.StartsWith(key + " submitted_at=", lines[0], StringComparison.Ordinal);
        var config = project.Combine("config.yaml");
        Assert.Contains($"  config: {config}", lines);
        Assert.Contains($"  config_sha256: {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(config)))}", lines);
        Assert.Contains($"  git_commit: {commit}", lines);
        Assert.Contains("  git_dirty: false", lines);
        Assert.Contains("  env: GREETING=hello there", lines);
        Assert.Contains(lines, l => l.StartsWith("  version: 0.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  command: ", StringComparison.Ordinal) && l.EndsWith($" process '{config}' --target=ok", StringComparison.Ordinal));
        var copy = Assert.Single(lines, l => l.StartsWith("  config_copy: ", StringComparison.Ordinal))["  config_copy: ".Length..];
        Assert.Equal(File.ReadAllBytes(config), File.ReadAllBytes(copy));
        Assert.StartsWith(project.Combine(".flepimop2_cache", "job", "logs"), copy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_with_provenance_and_json_carries_it_under_provenance_as_the_handle_file_does()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "bg", "-t", "ok"));
        File.AppendAllText(project.Combine("config.yaml"), "# edited after the submission\n");

        var json = await project.Run("job", "status", key, "--provenance", "--json");
        var status = await project.Run("job", "status", key, "--json");

        Assert.True(json.ExitCode == 0, json.ToString());
        var provenance = JsonNode.Parse(json.Stdout)!["provenance"]!;
        var file = JsonNode.Parse(File.ReadAllText(project.Combine(".flepimop2_cache", "job", "handles", key + ".json")))!;
        Assert.Equal(provenance.ToJsonString(), file["handle"]!["provenance"]!.ToJsonString());
        Assert.Equal(provenance.ToJsonString(), JsonNode.Parse(status.Stdout)!["provenance"]!.ToJsonString());
        Assert.Equal(project.Combine("config.yaml"), (string?)provenance["config_path"]);
        Assert.Null(provenance["git_commit"]);
        Assert.Null(provenance["git_dirty"]);
        Assert.Null(provenance["script_path"]);
        Assert.Equal("ok", (string?)provenance["command"]!.AsArray()[^1]!.GetValue<string>()["--target=".Length..]);
        Assert.Empty(provenance["environment"]!.AsObject());
        var copy = (string)provenance["config_copy"]!;
        Assert.Equal(Path.GetDirectoryName((string)file["handle"]!["metadata"]!["log"]!), Path.GetDirectoryName(copy));
        Assert.DoesNotContain("edited", File.ReadAllText(copy), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_of_the_original_has_no_provenance_and_says_so()
    {
        using var project = new TempProject();
        CopyDirectory(Path.Combine(CliRunner.Fixtures, ".flepimop2_cache"), project.StoreDirectory);

        var status = await project.Run("job", "status", "shell-6546", "--provenance");
        var task = await project.Run("job", "status", "shell-6546", "--provenance", "--task", "0");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("  provenance: none recorded (submitted by the original flepimop2 or an older version)", status.StdoutLines[^1]);
        Assert.Equal(2, task.ExitCode);
        Assert.Contains("--provenance belongs to the whole submission", task.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// What a batch job's <c>job status KEY --provenance --json</c> must show: the script its record names, and the copy of
    /// the configuration in its run directory, byte for byte; gives the provenance for more checks.
    /// </summary>
    internal static JsonNode BatchProvenance(CliResult shown, string config)
    {
        Assert.True(shown.ExitCode == 0, shown.ToString());
        var handle = JsonNode.Parse(shown.Stdout)!;
        var provenance = handle["provenance"]!;
        var script = (string)provenance["script_path"]!;
        Assert.Equal((string?)handle["metadata"]!["script"], script);
        Assert.True(File.Exists(script), script);
        var copy = (string)provenance["config_copy"]!;
        Assert.Equal(Path.Combine((string)handle["metadata"]!["run_dir"]!, "config.yaml"), copy);
        Assert.Equal(File.ReadAllBytes(config), File.ReadAllBytes(copy));
        Assert.Equal(config, (string?)provenance["config_path"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(config))), (string?)provenance["config_sha256"]);
        return provenance;
    }

    internal static string KeyOf(CliResult submission)
    {
        Assert.True(submission.ExitCode == 0 && submission.StdoutLines.Length > 0, submission.ToString());
        return submission.StdoutLines[^1].Split(' ')[0];
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    private static string Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-C", directory }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)) && process.ExitCode == 0, error);
        return output;
    }
}
