using System.Diagnostics;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

public sealed class ReliabilitySpecs
{
    // The job itself is /bin/true, so these tests measure the store, not the jobs.
    private const string Config = """
        jobs:
          local:
            module: shell
            detach: false
            executable: /bin/true
        process:
          ok:
            module: shell
            command: "true"
        """;

    // 800 runs of the CLI: minutes on a 2-core machine.
    [Fact]
    [Trait(Needs.Trait, Needs.Minutes)]
    public async Task Eight_cli_processes_submitting_100_jobs_each_lose_nothing()
    {
        using var project = new TempProject(Config);
        const int Processes = 8;
        const int Each = 100;

        var runs = await Task.WhenAll(Enumerable.Range(0, Processes).Select(async _ =>
        {
            var results = new List<CliResult>(Each);
            for (var i = 0; i < Each; i++)
            {
                results.Add(await project.Run("job", "process"));
            }

            return results;
        }));
        var list = await project.Run("job", "list");

        var all = runs.SelectMany(r => r).ToList();
        Assert.All(all, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(0, list.ExitCode);
        Assert.Empty(list.Stderr);
        Assert.Equal(
            all.Select(r => r.StdoutLines[^1].Split(' ')[0]).Order(StringComparer.Ordinal),
            list.StdoutLines.Select(l => l.Split(' ')[0]).Order(StringComparer.Ordinal));
        Assert.All(list.StdoutLines, l => Assert.EndsWith("status=successful", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Eight_library_processes_saving_500_handles_each_lose_nothing()
    {
        using var project = new TempProject();
        var root = Path.Combine(project.StoreDirectory, "job");
        const int Processes = 8;
        const int Each = 500;

        var writers = Enumerable.Range(0, Processes)
            .Select(i => Process.Start(new ProcessStartInfo(CliRunner.Dummy, ["process", "save-handles", root, $"p{i}", $"{Each}"]) { RedirectStandardError = true })!)
            .ToList();
        foreach (var writer in writers)
        {
            await writer.WaitForExitAsync();
            Assert.True(writer.ExitCode == 0, await writer.StandardError.ReadToEndAsync());
        }

        var list = await project.Run("job", "list", "--json");

        Assert.Equal(0, list.ExitCode);
        Assert.Empty(list.Stderr);
        Assert.Equal(Processes * Each, System.Text.Json.JsonDocument.Parse(list.Stdout).RootElement.GetArrayLength());
        Assert.Equal(Processes * Each, Directory.GetFiles(Path.Combine(root, "handles"), "*.json").Length);
    }

    // 40 rounds of a submitter started and killed.
    [Fact]
    [Trait(Needs.Trait, Needs.Minutes)]
    public async Task A_submitter_killed_at_random_moments_leaves_a_store_that_lists_cleanly()
    {
        using var project = new TempProject(Config);
        var random = new Random(20261125);

        // One whole submission first: it sets the span the kills are spread over, whatever this machine's speed.
        var timer = Stopwatch.StartNew();
        var baseline = await project.Run("job", "process");
        var span = (int)Math.Max(50, timer.ElapsedMilliseconds * 1.5);
        var printed = new List<string> { baseline.StdoutLines[^1].Split(' ')[0] };

        for (var round = 0; round < 40; round++)
        {
            var start = new ProcessStartInfo(CliRunner.Executable, ["job", "process"])
            {
                WorkingDirectory = project.Path,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            await Task.Delay(random.Next(0, span));
            process.Kill();
            await process.WaitForExitAsync();
            var line = (await stdout).Trim();
            if (line.Length > 0)
            {
                printed.Add(line.Split(' ')[0]);
            }
        }

        var list = await project.Run("job", "list");
        var listed = list.StdoutLines.Select(l => l.Split(' ')[0]).ToHashSet();

        Assert.Equal(0, list.ExitCode);
        Assert.Empty(list.Stderr);
        Assert.All(printed, key => Assert.Contains(key, listed));
        Assert.All(list.StdoutLines, l => Assert.EndsWith("status=successful", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Corrupt_empty_and_foreign_files_are_reported_once_and_the_good_jobs_still_list()
    {
        using var project = new TempProject(Config);
        var good = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            good.Add((await project.Run("job", "process")).StdoutLines[^1].Split(' ')[0]);
        }

        var handles = Path.Combine(project.StoreDirectory, "job", "handles");
        await File.WriteAllTextAsync(Path.Combine(handles, "shell-torn.json"), "{\"key\": \"shell-torn\", \"hand");
        await File.WriteAllTextAsync(Path.Combine(handles, "shell-empty.json"), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(handles, "notes.json"), "{\"hello\": \"world\"}");
        File.Delete(Path.Combine(handles, good[0] + ".json"));

        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", "shell-torn");

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(good, list.StdoutLines.Select(l => l.Split(' ')[0]));
        var warnings = list.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, warnings.Length);
        Assert.Single(warnings, w => w.Contains("shell-torn.json", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains("shell-empty.json", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains("notes.json", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains(good[0], StringComparison.Ordinal) && w.Contains("no handle file", StringComparison.Ordinal));
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("unreadable", status.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_summary_is_reported_and_every_job_is_still_listed_from_its_handle_file()
    {
        using var project = new TempProject(Config);
        for (var i = 0; i < 3; i++)
        {
            await project.Run("job", "process");
        }

        await File.WriteAllTextAsync(Path.Combine(project.StoreDirectory, "job", "summary.json"), "[{\"key\": \"shell-x\", \"backend\"");

        var list = await project.Run("job", "list");

        var again = await project.Run("job", "list");

        Assert.Equal(0, list.ExitCode);
        Assert.Equal(3, list.StdoutLines.Length);
        Assert.Contains("summary.json", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(list.StdoutLines, again.StdoutLines);
        Assert.Empty(again.Stderr);
    }
}
