using System.Text.Json.Nodes;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Chains and second chances through the command line, on the real cluster of this machine: a chain submitted in one go
/// with <c>--after</c>, and a job killed over its memory submitted again with <c>job retry --memory</c>.
/// </summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmPipelineCliSpecs
{
    private const string Wait = "180";

    // tail keeps its whole input when it holds no line break, and holds it while sleep does not read: 400 MiB resident for 4 s.
    private static readonly string[] Hungry = ["sh", "-c", "head -c 400M /dev/zero | tail | sleep 4"];

    [Fact]
    public async Task A_sweep_a_step_and_a_report_submitted_in_one_go_run_in_order_and_status_shows_the_chain()
    {
        using var project = SlurmCluster.Project();

        var sweep = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "ok", "--repeat", "3"));
        var step = SlurmCluster.KeyOf(await project.Run("job", "run", "-j", "hpc", "--after", sweep, "--", "sh", "-c", "date +%s%N > step.at"));
        var report = SlurmCluster.KeyOf(await project.Run("job", "run", "-j", "hpc", "--after", step, "--after-any", sweep, "--", "sh", "-c", "date +%s%N > report.at"));
        var wait = await project.Run("job", "wait", sweep, step, report, "--timeout", Wait);
        var status = await project.Run("job", "status", report);

        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Contains($"  after: {step} (must succeed), {sweep} (must end)", status.StdoutLines);
        Assert.Contains("  command: sh -c 'date +%s%N > report.at'", status.StdoutLines);
        var stepAt = long.Parse(File.ReadAllText(project.Combine("step.at")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var reportAt = long.Parse(File.ReadAllText(project.Combine("report.at")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stepAt < reportAt, $"step at {stepAt}, report at {reportAt}");
    }

    [Fact]
    public async Task A_failing_first_step_ends_the_rest_as_failed_naming_it_and_they_never_run()
    {
        using var project = SlurmCluster.Project();

        var first = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "fail"));
        var second = SlurmCluster.KeyOf(await project.Run("job", "run", "-j", "hpc", "--after", first, "--", "touch", "second.ran"));
        var third = SlurmCluster.KeyOf(await project.Run("job", "run", "-j", "hpc", "--after", second, "--", "touch", "third.ran"));
        var wait = await project.Run("job", "wait", first, second, third, "--timeout", Wait);
        var secondStatus = await project.Run("job", "status", second);
        var thirdStatus = await project.Run("job", "status", third);

        Assert.True(wait.ExitCode == 1, wait.ToString());
        Assert.EndsWith("status=failed", secondStatus.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains($"  reason: dependency {first} failed (it did not run)", secondStatus.StdoutLines);
        Assert.EndsWith("status=failed", thirdStatus.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains($"  reason: dependency {second} failed (it did not run)", thirdStatus.StdoutLines);
        Assert.False(File.Exists(project.Combine("second.ran")));
        Assert.False(File.Exists(project.Combine("third.ran")));
    }

    [Fact]
    public async Task A_predecessor_slurm_has_forgotten_that_did_not_succeed_is_refused_as_slurm_would_run_the_job_anyway()
    {
        // A job recorded long ago whose id the cluster has never had: squeue and sacct know nothing of it, and sbatch would
        // take a dependency on it as met.
        using var project = SlurmCluster.Project();
        var handles = Path.Combine(project.StoreDirectory, "job", "handles");
        Directory.CreateDirectory(handles);
        await File.WriteAllTextAsync(
            Path.Combine(handles, "slurm-99999999.json"),
            """{"key": "slurm-99999999", "handle": {"job_id": "99999999", "backend": "slurm", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {}}, "job_config": {"module": "flepimop2.job.slurm"}}""");

        var refused = await project.Run("job", "run", "-j", "hpc", "--after", "slurm-99999999", "--", "touch", "ran");
        var recorded = Directory.GetFiles(handles);
        var anyway = await project.Run("job", "run", "-j", "hpc", "--after-any", "slurm-99999999", "--", "touch", "ran");
        var wait = await project.Run("job", "wait", SlurmCluster.KeyOf(anyway), "--timeout", Wait);

        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("slurm-99999999 did not succeed (finished_unknown), and this job runs only after it succeeds; Slurm no longer holds slurm-99999999, so it would run this job anyway: nothing was submitted", refused.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("slurm-99999999.json", Assert.Single(recorded), StringComparison.Ordinal);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.True(File.Exists(project.Combine("ran")));
    }

    [Fact]
    public async Task A_job_killed_over_its_memory_hints_its_retry_and_the_retry_with_more_memory_succeeds_and_is_recorded()
    {
        using var project = SlurmCluster.Project();

        var key = SlurmCluster.KeyOf(await project.Run(["job", "run", "-j", "hpc", "--", .. Hungry]));
        var wait = await project.Run("job", "wait", key, "--timeout", Wait);
        var status = await WhenFigured(project, key);
        var retry = await project.Run("job", "retry", key, "--memory", "1G");
        var again = SlurmCluster.KeyOf(retry);
        var waitAgain = await project.Run("job", "wait", again, "--timeout", Wait);
        var old = await project.Run("job", "status", key);
        var now = await project.Run("job", "status", again, "--json");

        Assert.True(wait.ExitCode == 1, wait.ToString());
        Assert.Contains(status.StdoutLines, l => l.StartsWith("  reason: ran out of memory: its peak of ", StringComparison.Ordinal) && l.EndsWith(" went over its limit of 200M, so Slurm killed it (signal 9)", StringComparison.Ordinal));
        Assert.Matches($@"^hint: flepimop2 job retry {key} --memory [0-9]+M$", status.StdoutLines[^1]);
        Assert.True(waitAgain.ExitCode == 0, waitAgain.ToString());
        Assert.Contains($"  retried as: {again}", old.StdoutLines);
        var record = JsonNode.Parse(File.ReadAllText(project.Combine(".flepimop2_cache", "job", "handles", again + ".json")))!;
        Assert.Equal("1G", record["job_config"]!["memory"]!.GetValue<string>());
        Assert.Equal(key, record["handle"]!["metadata"]!["retry_of"]!.GetValue<string>());
        Assert.Equal(Hungry, record["handle"]!["metadata"]!["command"]!["argv"]!.AsArray().Select(a => a!.GetValue<string>()));
        var detail = JsonNode.Parse(now.Stdout)!["detail"]!;
        Assert.Equal(1024L * 1024 * 1024, detail["req_mem_bytes"]!.GetValue<long>());
        Assert.Contains("#SBATCH --mem=1G\n", File.ReadAllText(record["handle"]!["metadata"]!["script"]!.GetValue<string>()), StringComparison.Ordinal);
    }

    /// <summary>The job's status once accounting holds its whole record (its peak and limit), at most a minute on.</summary>
    private static async Task<CliResult> WhenFigured(TempProject project, string key)
    {
        for (var i = 0; ; i++)
        {
            var status = await project.Run("job", "status", key);
            if (status.StdoutLines.Any(l => l.StartsWith("  reason: ", StringComparison.Ordinal)) || i == 60)
            {
                return status;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
