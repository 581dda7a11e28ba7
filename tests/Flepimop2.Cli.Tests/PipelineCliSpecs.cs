using System.Text.Json.Nodes;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Chains (<c>--after</c>, <c>--after-any</c>) and <c>job retry</c> through the command line on the shell runner, and the
/// refusals that need jobs in the store first.
/// </summary>
public sealed class PipelineCliSpecs
{
    private const string Config = "jobs:\n  a: {module: shell}\n  now: {module: shell, detach: false}\n";

    [Fact]
    public async Task A_job_after_a_failed_one_ends_failed_without_running_and_one_after_any_runs()
    {
        using var project = new TempProject(Config);

        // The first job fails only once the test lets it (or after a minute), so its dependents are seen waiting.
        var first = KeyOf(await project.Run("job", "run", "--", "sh", "-c", "i=0; while [ ! -e go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done; exit 4"));
        var strict = KeyOf(await project.Run("job", "run", "--after", first, "--", "touch", "strict.ran"));
        var loose = KeyOf(await project.Run("job", "run", "--after-any", first, "--", "touch", "loose.ran"));
        var waiting = await project.Run("job", "status", strict);
        await File.WriteAllTextAsync(project.Combine("go"), string.Empty);
        var wait = await project.Run("job", "wait", first, strict, loose, "--timeout", "60");
        var strictStatus = await project.Run("job", "status", strict);
        var looseStatus = await project.Run("job", "status", loose);

        Assert.Contains($"  reason: waiting for {first}", waiting.StdoutLines);
        Assert.EndsWith("status=pending", waiting.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal(1, wait.ExitCode);
        Assert.EndsWith("status=failed", strictStatus.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains($"  reason: dependency {first} failed (it did not run)", strictStatus.StdoutLines);
        Assert.Contains($"  after: {first} (must succeed)", strictStatus.StdoutLines);
        Assert.EndsWith("status=successful", looseStatus.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains($"  after: {first} (must end)", looseStatus.StdoutLines);
        Assert.False(File.Exists(project.Combine("strict.ran")));
        Assert.True(File.Exists(project.Combine("loose.ran")));
    }

    [Fact]
    public async Task A_blocking_job_after_an_unfinished_one_is_refused_and_nothing_runs()
    {
        using var project = new TempProject(Config);
        var first = KeyOf(await project.Run("job", "run", "--", "sleep", "30"));
        try
        {
            var refused = await project.Run("job", "run", "-j", "now", "--after", first, "--", "touch", "ran");

            Assert.Equal(3, refused.ExitCode);
            Assert.Equal(
                $"error: config.yaml: jobs.now: {first} has not finished (running), and a blocking job cannot wait for it; use a detached runner (detach: true), or 'flepimop2 job wait {first}' first [unfinished_dependency]\n",
                refused.Stderr);
            Assert.False(File.Exists(project.Combine("ran")));
        }
        finally
        {
            await project.Run("job", "cancel", first);
        }
    }

    [Fact]
    public async Task A_retry_submits_the_recorded_command_records_both_ways_and_a_dry_run_records_nothing()
    {
        using var project = new TempProject(Config);
        var first = KeyOf(await project.Run("job", "run", "-j", "now", "--", "sh", "-c", "echo \"run $((1 + $(cat n 2>/dev/null || echo 0)))\" | tee n.out; test -e n || { echo 1 > n; exit 5; }"));
        File.WriteAllText(project.Combine("config.yaml"), "jobs:\n  a: {module: shell, cwd: /nowhere}\n");

        var dry = await project.Run("job", "retry", first, "--dry-run");
        var retry = await project.Run("job", "retry", first);
        var second = KeyOf(retry);
        var old = await project.Run("job", "status", first);
        var now = await project.Run("job", "status", second);

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.StartsWith("would submit: sh -c ", dry.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Handles(project)).Length);
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.EndsWith("status=failed", old.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains($"  retried as: {second}", old.StdoutLines);
        Assert.EndsWith("status=successful", now.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains($"  retry of: {first}", now.StdoutLines);
        Assert.Equal("run 2\n", File.ReadAllText(project.Combine("n.out")));

        // The recorded configuration, not today's file (whose cwd does not exist), ran it.
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(Handles(project), second + ".json")))!;
        Assert.Equal(first, record["handle"]!["metadata"]!["retry_of"]!.GetValue<string>());
        Assert.False(record["job_config"]!["detach"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_retry_of_a_sweeps_failed_tasks_runs_only_those_each_with_its_own_index()
    {
        using var project = new TempProject(Config);
        // Odd tasks fail the first time; every run of a task leaves its index in its own file.
        var script = "echo \"task $FLEPIMOP2_TASK_INDEX of $FLEPIMOP2_TASK_COUNT\"; echo x >> ran.$FLEPIMOP2_TASK_INDEX; test -e seen.$FLEPIMOP2_TASK_INDEX && exit 0; touch seen.$FLEPIMOP2_TASK_INDEX; exit $((FLEPIMOP2_TASK_INDEX % 2))";
        var sweep = KeyOf(await project.Run("job", "run", "--repeat", "5", "--", "sh", "-c", script));
        var first = await project.Run("job", "wait", sweep, "--timeout", "60");

        var retried = KeyOf(await project.Run("job", "retry", sweep, "--failed-tasks"));
        var wait = await project.Run("job", "wait", retried, "--timeout", "60");
        var status = await project.Run("job", "status", retried);
        var task = await project.Run("job", "status", retried, "--task", "3");
        var logs = await project.Run("job", "logs", retried, "--task", "3");
        var notThere = await project.Run("job", "status", retried, "--task", "2");

        Assert.Equal(1, first.ExitCode);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Contains("  tasks: 2 (2 successful)", status.StdoutLines);
        Assert.Contains($"  retry of: {sweep}", status.StdoutLines);
        Assert.EndsWith("status=successful", task.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal("task 3 of 5\n", logs.Stdout);
        Assert.Equal([1, 2, 1, 2, 1], Enumerable.Range(0, 5).Select(i => File.ReadAllLines(project.Combine($"ran.{i}")).Length));
        Assert.Equal(2, notThere.ExitCode);
        Assert.Contains($"--task 2: sweep {retried} has tasks 1, 3", notThere.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_of_a_job_still_running_is_refused()
    {
        using var project = new TempProject(Config);
        var first = KeyOf(await project.Run("job", "run", "--", "sleep", "30"));
        try
        {
            var result = await project.Run("job", "retry", first);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"error: {first} has not ended (running); a retry would run it twice: wait for it ('flepimop2 job wait {first}') or cancel it first\n", result.Stderr);
            Assert.Single(Directory.GetFiles(Handles(project)));
        }
        finally
        {
            await project.Run("job", "cancel", first);
        }
    }

    private static string KeyOf(CliResult submission)
    {
        Assert.True(submission.ExitCode == 0 && submission.StdoutLines.Length > 0, submission.ToString());
        return submission.StdoutLines[^1].Split(' ')[0];
    }

    private static string Handles(TempProject project) => project.Combine(".flepimop2_cache", "job", "handles");
}
