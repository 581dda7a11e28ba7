using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Shell;
using Flepimop2.Store;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs;

/// <summary>
/// The provenance of a submission: recorded in the handle JSON and read back equal, absent from records without it, taken
/// from git without running anything of a hostile repository, and from a configuration that may be a FIFO or far too large.
/// </summary>
public sealed class ProvenanceSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static readonly JobProvenance Full = new(
        "/home/me/model/config.yaml",
        new string('a', 64),
        "/scratch/run/.flepimop2_cache/job/slurm/x.1/config.yaml",
        new string('0', 40),
        true,
        "0.5.0+abc",
        ["/usr/bin/flepimop2", "process", "/home/me/model/config.yaml", "--target=sir", "é \"q\" $HOME\n"],
        new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["EMPTY"] = string.Empty, ["ü"] = "\u001b[31m" },
        "/scratch/run/.flepimop2_cache/job/slurm/x.1/x.sh");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_provenance_reads_back_equal_from_the_handle_json()
    {
        var handle = new JobHandle("42", "slurm", DateTimeOffset.UnixEpoch) { Provenance = Full };

        var json = JobRecordJson.Serialize(handle);
        var again = JobRecordJson.ReadHandle(json);

        Assert.Equal(Full, again.Provenance);
        var provenance = JsonNode.Parse(json)!["provenance"]!.AsObject();
        Assert.Equal(
            ["config_path", "config_sha256", "config_copy", "git_commit", "git_dirty", "version", "command", "environment", "script_path"],
            provenance.Select(kv => kv.Key));
        Assert.Equal(json, JobRecordJson.Serialize(again));
    }

    [Fact]
    public void Unknown_fields_read_back_as_null_and_a_different_command_is_not_equal()
    {
        var sparse = new JobProvenance(null, null, null, null, null, null, [], new Dictionary<string, string>(), null);
        var handle = new JobHandle("7", "shell", DateTimeOffset.UnixEpoch) { Provenance = sparse };

        var again = JobRecordJson.ReadHandle(JobRecordJson.Serialize(handle)).Provenance;

        Assert.Equal(sparse, again);
        Assert.Null(again!.GitDirty);
        Assert.NotEqual(Full, Full with { Command = [.. Full.Command.Take(2)] });
        Assert.NotEqual(Full, Full with { Environment = new Dictionary<string, string> { ["PATH"] = "/bin" } });
        Assert.Equal(Full, Full with { Command = [.. Full.Command] });
    }

    [Fact]
    public void A_handle_without_provenance_is_written_as_before_with_no_provenance_key()
    {
        var handle = new JobHandle("7", "shell", DateTimeOffset.UnixEpoch) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "blocking" } };

        var json = JobRecordJson.Serialize(handle);

        Assert.Null(JsonNode.Parse(json)!["provenance"]);
        Assert.Null(JobRecordJson.ReadHandle(json).Provenance);
        Assert.Equal(["job_id", "backend", "submitted_at", "metadata"], JsonNode.Parse(json)!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public void The_originals_handle_file_reads_with_no_provenance()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, ".flepimop2_cache", "job", "handles", "shell-6546.json")))!;

        var handle = JobRecordJson.ReadHandle(file["handle"]!.ToJsonString());

        Assert.Null(handle.Provenance);
    }

    [Theory]
    [InlineData("\"text\"")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    public void A_provenance_that_is_not_an_object_reads_as_none(string value)
    {
        var json = $$"""{"job_id": "1", "backend": "shell", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {}, "provenance": {{value}}}""";

        Assert.Null(JobRecordJson.ReadHandle(json).Provenance);
    }

    [Fact]
    public void Fields_of_the_wrong_kind_read_as_unknown_never_as_an_error()
    {
        const string json = """
            {"job_id": "1", "backend": "shell", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {},
             "provenance": {"config_path": 5, "git_dirty": "yes", "command": ["a", 3, null, "b"], "environment": {"A": 1, "B": "b"}, "version": "v"}}
            """;

        var provenance = JobRecordJson.ReadHandle(json).Provenance!;

        Assert.Null(provenance.ConfigPath);
        Assert.Null(provenance.GitDirty);
        Assert.Empty(provenance.Command);
        Assert.Equal("b", Assert.Single(provenance.Environment).Value);
        Assert.Equal("v", provenance.Version);
    }

    [Fact]
    public async Task A_clean_repository_gives_its_commit_and_not_dirty_then_dirty_after_an_edit()
    {
        var repo = Repository();

        var clean = await GitState.ReadAsync(repo, ProcessRunner.Instance, CancellationToken.None);
        File.AppendAllText(Path.Combine(repo, "config.yaml"), "# edited\n");
        var dirty = await GitState.ReadAsync(repo, ProcessRunner.Instance, CancellationToken.None);

        Assert.Equal(Git(repo, "rev-parse", "HEAD").Trim(), clean.Commit);
        Assert.False(clean.Dirty);
        Assert.Equal(clean.Commit, dirty.Commit);
        Assert.True(dirty.Dirty);
    }

    [Fact]
    public async Task A_directory_outside_any_repository_or_a_repository_without_commits_gives_nothing()
    {
        var plain = Directory.CreateDirectory(_temp.Combine("plain")).FullName;
        var empty = Directory.CreateDirectory(_temp.Combine("empty")).FullName;
        Git(empty, "init", "-q");

        Assert.Equal((null, null), await GitState.ReadAsync(plain, ProcessRunner.Instance, CancellationToken.None));
        Assert.Equal((null, null), await GitState.ReadAsync(empty, ProcessRunner.Instance, CancellationToken.None));
        Assert.Equal((null, null), await GitState.ReadAsync(_temp.Combine("absent"), ProcessRunner.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task Git_that_cannot_start_or_does_not_answer_in_time_gives_nothing_and_no_error()
    {
        var repo = Repository();

        var missing = await GitState.ReadAsync(repo, new FailingRunner("'git' was not found on PATH"), CancellationToken.None);
        var slow = await GitState.ReadAsync(repo, new FailingRunner("'git' did not answer within 5 s and was stopped"), CancellationToken.None);

        Assert.Equal((null, null), missing);
        Assert.Equal((null, null), slow);
    }

    [Fact]
    public async Task A_hostile_repository_runs_none_of_its_commands_monitor_hooks_or_filters()
    {
        var repo = Repository();
        var marker = _temp.Combine("ran");
        var command = $"touch '{marker}'";
        Git(repo, "config", "core.fsmonitor", command);
        Git(repo, "config", "core.hooksPath", Path.Combine(repo, "hooks"));
        Directory.CreateDirectory(Path.Combine(repo, "hooks"));
        foreach (var hook in new[] { "post-index-change", "post-checkout", "reference-transaction" })
        {
            File.WriteAllText(Path.Combine(repo, "hooks", hook), $"#!/bin/sh\n{command}\n");
            File.SetUnixFileMode(Path.Combine(repo, "hooks", hook), (UnixFileMode)0x1ED);
        }

        File.AppendAllText(Path.Combine(repo, "config.yaml"), "# edited\n");
        var withMonitor = await GitState.ReadAsync(repo, ProcessRunner.Instance, CancellationToken.None);

        File.WriteAllText(Path.Combine(repo, ".gitattributes"), "*.yaml filter=evil\n");
        Git(repo, "config", "filter.evil.clean", command);
        var withFilter = await GitState.ReadAsync(repo, ProcessRunner.Instance, CancellationToken.None);

        Assert.False(File.Exists(marker), "a command of the repository ran");
        Assert.True(withMonitor.Dirty);
        Assert.NotNull(withFilter.Commit);
        Assert.Null(withFilter.Dirty);
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task A_repository_git_refuses_as_another_users_gives_nothing()
    {
        var repo = Repository();
        Assert.Equal(0, Run("chown", "-R", "65534:65534", repo).ExitCode);

        var state = await GitState.ReadAsync(repo, ProcessRunner.Instance, CancellationToken.None);

        Assert.Equal((null, null), state);
    }

    [Fact]
    public void Only_filters_of_the_repositorys_own_configuration_count_as_hostile()
    {
        Assert.False(GitState.RepositoryFilters("global\tfilter.lfs.clean\nsystem\tfilter.lfs.process\n"));
        Assert.True(GitState.RepositoryFilters("global\tfilter.lfs.clean\nlocal\tfilter.evil.clean\n"));
        Assert.True(GitState.RepositoryFilters("worktree\tfilter.x.process\n"));
        Assert.False(GitState.RepositoryFilters(string.Empty));
    }

    [Fact]
    public async Task The_configuration_is_hashed_as_read_and_copied_once_into_the_run_directory()
    {
        var config = _temp.Combine("my config.yml");
        byte[] bytes = [.. "jobs: {a: {module: shell}}\n"u8, 0xC3, 0xA9, (byte)'\n'];
        File.WriteAllBytes(config, bytes);
        var run = _temp.Combine("run");

        var capture = await ProvenanceCapture.TakeAsync(config, ["x"], new Dictionary<string, string>(), ProcessRunner.Instance, CancellationToken.None);
        var handle = new JobHandle("1", "slurm", DateTimeOffset.UnixEpoch) { Metadata = new Dictionary<string, JsonNode?> { ["script"] = "/s.sh" } };
        var first = capture.For(handle, run, released: false);
        File.WriteAllText(config, "changed");
        var second = capture.For(handle, _temp.Combine("elsewhere"), released: true);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), first.ConfigSha256);
        Assert.Equal(Path.Combine(run, "config.yml"), first.ConfigCopy);
        Assert.Equal(bytes, File.ReadAllBytes(first.ConfigCopy!));
        Assert.Equal(first, second);
        Assert.False(Directory.Exists(_temp.Combine("elsewhere")));
        Assert.Equal("/s.sh", first.ScriptPath);
        Assert.DoesNotContain(Directory.GetFiles(run), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fifo_or_a_configuration_over_the_limit_is_neither_read_nor_copied_and_nothing_waits()
    {
        var fifo = _temp.Combine("fifo.yaml");
        Assert.Equal(0, Run("mkfifo", fifo).ExitCode);
        var large = _temp.Combine("large.yaml");
        using (var stream = File.Create(large))
        {
            stream.SetLength(ProvenanceCapture.MaxConfigBytes + 1);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var handle = new JobHandle("1", "shell", DateTimeOffset.UnixEpoch);
        foreach (var path in new[] { fifo, large, _temp.Combine("absent.yaml") })
        {
            var capture = await ProvenanceCapture.TakeAsync(path, ["x"], new Dictionary<string, string>(), ProcessRunner.Instance, limit.Token)
                .WaitAsync(limit.Token);
            var provenance = capture.For(handle, _temp.Combine("run"), released: false);

            Assert.Equal(path, provenance.ConfigPath);
            Assert.Null(provenance.ConfigSha256);
            Assert.Null(provenance.ConfigCopy);
        }

        Assert.False(Directory.Exists(_temp.Combine("run")));
    }

    [Fact]
    public void The_limit_is_the_configuration_readers_own() =>
        Assert.Equal(Flepimop2.Configuration.ConfigurationFile.MaxFileBytes, ProvenanceCapture.MaxConfigBytes);

    [Theory]
    [InlineData("config.yaml", "config.yaml")]
    [InlineData("/a/b.yml", "config.yml")]
    [InlineData("/dev/fd/63", "config.yaml")]
    [InlineData("x.y a", "config.yaml")]
    [InlineData("x.../..", "config.yaml")]
    public void The_copy_keeps_a_plain_extension_only(string path, string name) =>
        Assert.Equal(name, ProvenanceCapture.CopyName(path));

    [Fact]
    public async Task A_shell_job_records_its_configuration_command_environment_and_a_copy_beside_its_log()
    {
        var config = _temp.Combine("config.yaml");
        File.WriteAllText(config, "process: {}\n");
        var runner = new ShellJobRunner(new ShellJobOptions
        {
            Detach = true,
            Executable = TestPaths.Dummy,
            LogDirectory = _temp.Combine("logs"),
            Env = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")!, ["SEED"] = "3" },
        });

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new JobRequest(new DummyCommand("exit", "0")) { ConfigPath = config }));
        var provenance = handle.Provenance!;

        Assert.Equal(config, provenance.ConfigPath);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(handle.MetadataText("log"))!, "config.yaml"), provenance.ConfigCopy);
        Assert.Equal("process: {}\n", File.ReadAllText(provenance.ConfigCopy!));
        Assert.Equal([TestPaths.Dummy, "process", "exit", "0"], provenance.Command);
        Assert.Equal("3", provenance.Environment["SEED"]);
        Assert.Null(provenance.ScriptPath);
        Assert.Equal(ProvenanceCapture.Version, provenance.Version);
        Assert.StartsWith("0.", provenance.Version, StringComparison.Ordinal);
    }

    private string Repository()
    {
        var repo = Directory.CreateDirectory(_temp.Combine("repo")).FullName;
        File.WriteAllText(Path.Combine(repo, "config.yaml"), "jobs: {}\n");
        Git(repo, "init", "-q");
        Git(repo, "add", "config.yaml");
        Git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
        return repo;
    }

    private static string Git(string directory, params string[] args)
    {
        var (code, output) = Run("git", ["-C", directory, .. args]);
        Assert.True(code == 0, output);
        return output;
    }

    private static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), $"{program} did not end");
        return (process.ExitCode, output);
    }

    private sealed class FailingRunner(string message) : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new JobBackendException(message, string.Join(' ', argv));
    }
}
