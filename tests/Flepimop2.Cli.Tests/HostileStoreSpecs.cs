using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The command line over a store that cannot take a record, or that someone else has written: nothing runs that cannot be
/// recorded, nothing is written through a link, nothing read from a file can forge the terminal, and the original program's
/// own jobs get the same guards as ours.
/// </summary>
public sealed class HostileStoreSpecs : IDisposable
{
    private readonly TempProject _marks = new();

    public void Dispose() => _marks.Dispose();

    private string Marker => _marks.Combine("ran");

    private string Config => $$"""
        jobs:
          local: {module: shell, detach: false}
          bg: {module: shell, detach: true}
        process:
          mark:
            module: shell
            command: touch
            args: ["{{Marker}}"]
          ok:
            module: shell
            command: "true"
        """;

    private static string KeyOf(CliResult submission) => submission.StdoutLines[^1].Split(' ')[0];

    private static void AssertNothingSubmitted(CliResult result, string marker, string reason)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(reason, result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("nothing was submitted", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.False(File.Exists(marker), "the step ran although the job could not be recorded");
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_store_locked_by_another_process_nothing_is_submitted()
    {
        using var project = new TempProject(Config);
        var job = Path.Combine(project.StoreDirectory, "job");
        Directory.CreateDirectory(job);
        using var holder = Process.Start("flock", [Path.Combine(job, ".lock"), "sleep", "120"])!;
        try
        {
            while (!File.ReadAllText("/proc/locks").Contains($" {holder.Id} ", StringComparison.Ordinal))
            {
                await Task.Delay(20);
            }

            var result = await CliRunner.RunAsync(project.Path, new Dictionary<string, string?> { ["FLEPIMOP2_LOCK_TIMEOUT"] = "1" }, "job", "process", "-j", "local", "-t", "mark");

            AssertNothingSubmitted(result, Marker, "locked by another process");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task With_the_store_on_a_read_only_disk_nothing_is_submitted()
    {
        using var disk = SmallDisk.Mount(1024);
        File.WriteAllText(disk.Combine("config.yaml"), Config);
        Assert.Equal(0, (await CliRunner.RunAsync(disk.Path, "job", "process", "-j", "local", "-t", "ok")).ExitCode);
        disk.MakeReadOnly();

        var result = await CliRunner.RunAsync(disk.Path, "job", "process", "-j", "local", "-t", "mark");
        var list = await CliRunner.RunAsync(disk.Path, "job", "list");

        AssertNothingSubmitted(result, Marker, "Read-only file system");
        Assert.Single(list.StdoutLines);
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public async Task With_the_store_on_a_full_disk_nothing_is_submitted_and_the_summary_stays_whole()
    {
        using var disk = SmallDisk.Mount(1024);
        File.WriteAllText(disk.Combine("config.yaml"), Config);
        var first = await CliRunner.RunAsync(disk.Path, "job", "process", "-j", "local", "-t", "ok");
        var summaryPath = disk.Combine(".flepimop2_cache", "job", "summary.json");
        var summary = File.ReadAllBytes(summaryPath);
        disk.Fill();

        var result = await CliRunner.RunAsync(disk.Path, "job", "process", "-j", "bg", "-t", "mark");
        var list = await CliRunner.RunAsync(disk.Path, "job", "list");

        AssertNothingSubmitted(result, Marker, "No space left on device");
        Assert.Equal(summary, File.ReadAllBytes(summaryPath));
        Assert.Single(JsonDocument.Parse(summary).RootElement.EnumerateArray());
        Assert.Equal([KeyOf(first)], list.StdoutLines.Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public async Task A_summary_that_is_a_link_is_never_written_through()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "ok"));
        var summary = Path.Combine(project.StoreDirectory, "job", "summary.json");
        var outside = _marks.Combine("bashrc");
        File.WriteAllText(outside, "precious\n");
        File.Delete(summary);
        File.CreateSymbolicLink(summary, outside);

        var submit = await project.Run("job", "process", "-j", "local", "-t", "mark");
        var list = await project.Run("job", "list");

        AssertNothingSubmitted(submit, Marker, "symbolic link");
        Assert.Equal(0, list.ExitCode);
        Assert.Equal([key], list.StdoutLines.Select(l => l.Split(' ')[0]));
        Assert.Contains("symbolic link", list.Stderr, StringComparison.Ordinal);
        Assert.Equal("precious\n", File.ReadAllText(outside));
    }

    [Fact]
    public async Task A_fifo_in_the_store_never_hangs_a_listing()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "ok"));
        var summary = Path.Combine(project.StoreDirectory, "job", "summary.json");
        File.Delete(summary);
        foreach (var fifo in new[] { summary, Path.Combine(project.StoreDirectory, "job", "handles", "shell-fifo.json") })
        {
            using var mkfifo = Process.Start("mkfifo", [fifo])!;
            mkfifo.WaitForExit();
        }

        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", "shell-fifo");

        Assert.Equal(0, list.ExitCode);
        Assert.Equal([key], list.StdoutLines.Select(l => l.Split(' ')[0]));
        Assert.Contains("FIFO", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("FIFO", status.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Temporary_files_that_killed_writers_left_go_once_an_hour_old()
    {
        using var project = new TempProject(Config);
        await project.Run("job", "process", "-j", "local", "-t", "ok");
        var job = Path.Combine(project.StoreDirectory, "job");
        var old = new[]
        {
            Path.Combine(job, "summary.json.4242.0123456789abcdef0123456789abcdef.tmp"),
            Path.Combine(job, "handles", "shell-x.json.4242.fedcba9876543210fedcba9876543210.tmp"),
        };
        var fresh = Path.Combine(job, "summary.json.4343.00112233445566778899aabbccddeeff.tmp");
        foreach (var file in old.Append(fresh))
        {
            File.WriteAllText(file, "[\n  {\"key\"");
        }

        foreach (var file in old)
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-2));
        }

        var list = await project.Run("job", "list");

        Assert.Equal(0, list.ExitCode);
        Assert.Empty(list.Stderr);
        Assert.All(old, file => Assert.False(File.Exists(file), $"{file} was left"));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task Control_characters_from_the_store_are_printed_as_escapes()
    {
        using var project = new TempProject(Config);
        var handles = Path.Combine(project.StoreDirectory, "job", "handles");
        Directory.CreateDirectory(handles);
        var jobId = "a\u001b[2Jb\nc\rd\u202ee";
        await File.WriteAllTextAsync(
            Path.Combine(handles, "shell-a_2Jb_c_d_e.json"),
            $$$"""{"key": "shell-a_2Jb_c_d_e", "handle": {"job_id": {{{JsonSerializer.Serialize(jobId)}}}, "backend": "shell", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {"mode": "blocking", "returncode": 0}}, "job_config": {"module": "flepimop2.job.shell"}}""");

        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", "shell-a_2Jb_c_d_e");

        foreach (var result in new[] { list, status })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.DoesNotContain('\u001b', result.Stdout);
            Assert.DoesNotContain('\r', result.Stdout);
            Assert.DoesNotContain('\u202e', result.Stdout);
            Assert.StartsWith("shell-a\\x1b[2Jb\\nc\\rd\\u202ee submitted_at=2026-01-01T00:00:00", result.StdoutLines[0], StringComparison.Ordinal);
        }

        Assert.Single(list.StdoutLines);
    }

    [Fact]
    public async Task A_handle_naming_another_job_inside_does_not_make_it_list_twice()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "local", "-t", "ok"));
        var handles = Path.Combine(project.StoreDirectory, "job", "handles");
        File.Copy(Path.Combine(handles, key + ".json"), Path.Combine(handles, "shell-impostor.json"));

        var list = await project.Run("job", "list");

        Assert.Equal([key], list.StdoutLines.Select(l => l.Split(' ')[0]));
        Assert.Contains("shell-impostor.json", list.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_detached_job_of_the_original_program_gets_the_same_guards_and_honest_messages()
    {
        using var project = new TempProject(Config);
        using var decoy = Decoy.Start();
        var handles = Path.Combine(project.StoreDirectory, "job", "handles");
        Directory.CreateDirectory(handles);
        var pid = decoy.Pid.ToString(CultureInfo.InvariantCulture);

        // Submitted (by the record) an hour after the process started: the pid cannot be that job's.
        var submitted = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(
            Path.Combine(handles, $"shell-{pid}.json"),
            $$$"""{"key": "shell-{{{pid}}}", "handle": {"job_id": "{{{pid}}}", "backend": "shell", "submitted_at": "{{{submitted}}}", "metadata": {"mode": "detached"}}, "job_config": {"module": "flepimop2.job.shell", "options": null, "cwd": null, "env": null, "detach": true}}""");

        var status = await project.Run("job", "status", pid);
        var cancel = await project.Run("job", "cancel", pid);
        var logs = await project.Run("job", "logs", pid);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.EndsWith("status=finished_unknown", status.StdoutLines[0], StringComparison.Ordinal);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains("already finished", cancel.Stdout, StringComparison.Ordinal);
        Assert.True(decoy.IsAlive, "cancel signalled a process that was not the job");
        Assert.Equal(1, logs.ExitCode);
        Assert.Contains("original flepimop2", logs.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", cancel.Stderr + status.Stderr + logs.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_refuses_a_handle_whose_pid_addresses_every_process()
    {
        using var project = new TempProject(Config);
        using var decoy = Decoy.Start();
        var handles = Path.Combine(project.StoreDirectory, "job", "handles");
        Directory.CreateDirectory(handles);
        foreach (var (key, pid) in new[] { ("shell-one", 1), ("shell-zero", 0), ("shell-minus", -1), ("shell-group", ProcStat.OwnGroup()) })
        {
            await File.WriteAllTextAsync(
                Path.Combine(handles, key + ".json"),
                $$$"""{"key": "{{{key}}}", "handle": {"job_id": "{{{key[6..]}}}", "backend": "shell", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {"mode": "detached", "pid": {{{pid}}}, "start_time": 1, "exit_file": "/nonexistent/exit_code"}}, "job_config": {"module": "flepimop2.job.shell"}}""");
        }

        var cancel = await project.Run("job", "cancel", "shell-one", "shell-zero", "shell-minus", "shell-group");
        var list = await project.Run("job", "list");

        Assert.Equal(1, cancel.ExitCode);
        Assert.Equal(4, cancel.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("nothing was signalled", StringComparison.Ordinal)));
        Assert.True(decoy.IsAlive);
        Assert.DoesNotContain("status=running", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finished_unknown_status_that_another_program_wrote_is_checked_again()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "process", "-j", "bg", "-t", "ok"));
        Assert.Equal(0, (await project.Run("job", "wait", key)).ExitCode);
        var summary = Path.Combine(project.StoreDirectory, "job", "summary.json");

        // What the original writes for a detached job it can no longer see: it has no exit code to read.
        File.WriteAllText(summary, File.ReadAllText(summary).Replace("\"successful\"", "\"finished_unknown\"", StringComparison.Ordinal));
        var list = await project.Run("job", "list");

        Assert.Equal($"{key}", list.StdoutLines[0].Split(' ')[0]);
        Assert.EndsWith("status=successful", list.StdoutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_lists_and_shows_its_task_counts_after_the_original_rewrote_the_summary_with_only_its_own_fields()
    {
        using var project = new TempProject(Config);
        var key = KeyOf(await project.Run("job", "run", "-j", "bg", "--repeat", "3", "--", "true"));
        Assert.Equal(0, (await project.Run("job", "wait", key)).ExitCode);
        var summary = Path.Combine(project.StoreDirectory, "job", "summary.json");
        var listed = await project.Run("job", "list");
        var listedJson = await project.Run("job", "list", "--json");
        var shown = await project.Run("job", "status", key);
        Assert.EndsWith("status=successful tasks=3 successful=3", listed.StdoutLines.Single(), StringComparison.Ordinal);

        // Its job status, its submissions and its job list each rewrite the summary this way; two rounds of it, with one
        // of our listings between (which must not lose what the next rewrite takes away again).
        for (var round = 0; round < 2; round++)
        {
            RewriteAsTheOriginal(summary);
            Assert.DoesNotContain("\"tasks\"", File.ReadAllText(summary), StringComparison.Ordinal);

            var list = await project.Run("job", "list");
            var listJson = await project.Run("job", "list", "--json");
            var status = await project.Run("job", "status", key);

            Assert.Equal(listed.ToString(), list.ToString());
            Assert.Equal(listedJson.ToString(), listJson.ToString());
            Assert.Equal(shown.ToString(), status.ToString());
        }
    }

    /// <summary>
    /// What the original (ACCIDDA/flepimop2, <c>_cache.py</c>) writes when it rewrites <c>summary.json</c>: every entry with
    /// only the fields of its <c>JobSummaryEntry</c> model, indented by two.
    /// </summary>
    private static void RewriteAsTheOriginal(string summary)
    {
        string[] fields = ["key", "backend", "job_id", "submitted_at", "status"];
        var entries = new JsonArray();
        foreach (var entry in JsonNode.Parse(File.ReadAllText(summary))!.AsArray())
        {
            entries.Add(new JsonObject(fields.Select(f => KeyValuePair.Create(f, entry![f]?.DeepClone()))));
        }

        File.WriteAllText(summary, entries.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
