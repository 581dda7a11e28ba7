using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Internal;
using Flepimop2.Store;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// What jobs used, on the real cluster: it gathers accounting every second and kills a job over its memory
/// (jobacct_gather/linux with OverMemoryKill, scripts/slurm/start-cluster.sh). Figures are checked against what sacct itself
/// prints for the same job, asked here separately and in raw bytes (<c>--noconvert</c>).
/// </summary>
[Collection("slurm")]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmUsageClusterSpecs(SlurmClusterFixture cluster)
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_step_over_its_memory_ends_failed_as_out_of_memory_with_the_memory_to_ask_for_next_time()
    {
        var runner = cluster.Runner(s => s with { Memory = "100M" });
        var handle = await RunnerSteps.SubmitAsync(runner, "allocate", "400", "30");

        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience))[0];

        var peak = Number(last, "max_rss_bytes");
        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("FAILED", Text(last, "state"));
        Assert.Equal("9", Text(last, "signal"));
        Assert.Equal(100 * MiB, Number(last, "req_mem_bytes"));
        Assert.True(peak > 100 * MiB, RunnerSteps.Describe(last));
        Assert.Equal($"ran out of memory: its peak of {ByteSizes.Human(peak)} went over its limit of 100M, so Slurm killed it (signal 9)", Text(last, "reason"));
        Assert.Equal(new JsonObject { ["memory"] = ByteSizes.NextPowerOfTwoAbove(peak) }.ToJsonString(), last.Detail["retry"]!.ToJsonString());
        Assert.Equal(MaxRss(handle.JobId), peak);
        Assert.Contains("exceeded memory limit", await File.ReadAllTextAsync(Assert.Single(runner.GetLogFiles(handle))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_figures_of_a_finished_job_are_those_sacct_itself_reports()
    {
        var runner = cluster.Runner(s => s with { Memory = "200M", Cpus = 2, Time = "10" });
        var busy = await RunnerSteps.SubmitAsync(runner, "burn", "3");
        var holding = await RunnerSteps.SubmitAsync(runner, "allocate", "60", "3");

        // slurmdbd may take a moment to hold a short job's whole record (its limit and request), so wait for the figures too.
        var results = await RunnerSteps.WaitAsync(
            runner, [busy, holding], r => r.Status.IsFinished() && r.Detail.ContainsKey("time_limit_seconds") && r.Detail.ContainsKey("max_rss_bytes"), Patience);

        foreach (var (handle, result) in new[] { busy, holding }.Zip(results))
        {
            Assert.Equal(JobStatus.Successful, result.Status);
            var own = Sacct(handle.JobId);
            Assert.Equal(own.Elapsed, Number(result, "elapsed_seconds"));
            Assert.Equal(600, Number(result, "time_limit_seconds"));
            Assert.Equal(2, Number(result, "alloc_cpus"));
            Assert.Equal(200 * MiB, Number(result, "req_mem_bytes"));
            Assert.Equal(own.MaxRss, Number(result, "max_rss_bytes"));
            Assert.Equal((double)own.MaxRss / (200 * MiB), Fraction(result, "mem_efficiency"), 0.0011);
            Assert.Equal(own.TotalCpu / (own.Elapsed * 2.0), Fraction(result, "cpu_efficiency"), 0.0011);
            Assert.False(result.Detail.ContainsKey("retry"));
        }

        // 60 MB held is seen in the peak; a CPU kept busy shows in the CPU time (two were given, one used; on a loaded
        // machine it gets a fraction of a core, so only a share an idle job never reaches is asked for).
        Assert.True(Number(results[1], "max_rss_bytes") > 60 * MiB, RunnerSteps.Describe(results[1]));
        Assert.True(Fraction(results[0], "cpu_efficiency") > 0.05, RunnerSteps.Describe(results[0]));
    }

    [Fact]
    public async Task Each_task_of_a_sweep_carries_its_figures_in_its_detail_and_in_the_sweeps_json()
    {
        var runner = cluster.Runner(s => s with { Memory = "200M" });
        var tasks = Enumerable.Range(0, 3).Select(i => (CliCommand)new DummyCommand("allocate", (20 * (i + 1)).ToString(CultureInfo.InvariantCulture), "2")).ToList();
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(tasks)));

        var last = (await RunnerSteps.WaitAsync(runner, [handle], r => r.Sweep!.Tasks.All(t => t.Status.IsFinished()), Patience))[0];

        Assert.Equal(JobStatus.Successful, last.Status);
        var list = JsonNode.Parse(JobRecordJson.Serialize(last))!["tasks"]!["list"]!.AsArray();
        for (var i = 0; i < 3; i++)
        {
            var task = last.Sweep!.Tasks[i];
            var own = Sacct(task.BackendId!);
            Assert.Equal(own.MaxRss, task.Detail["max_rss_bytes"]!.GetValue<long>());
            Assert.Equal(200 * MiB, task.Detail["req_mem_bytes"]!.GetValue<long>());
            Assert.Equal(own.Elapsed, task.Detail["elapsed_seconds"]!.GetValue<long>());
            Assert.True(own.MaxRss > 20 * (i + 1) * MiB, $"task {i}: {own.MaxRss}");
            Assert.Equal(own.MaxRss, list[i]!["max_rss_bytes"]!.GetValue<long>());
            Assert.Equal((double)own.MaxRss / (200 * MiB), list[i]!["mem_efficiency"]!.GetValue<double>(), 0.0011);
            Assert.Equal("Number", JsonValueKind(list[i]!["cpu_efficiency"]));
        }

        var one = await runner.TaskStatusAsync(handle, 2);
        Assert.Equal(last.Sweep!.Tasks[2].Detail["max_rss_bytes"]!.GetValue<long>(), one.Detail["max_rss_bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_requeued_job_reads_pending_then_running_again_with_one_restart()
    {
        var runner = cluster.Runner(s => s with { Requeue = true });
        var handle = await RunnerSteps.SubmitAsync(runner, "sleep", "300");
        try
        {
            Assert.Contains("#SBATCH --requeue\n", await File.ReadAllTextAsync(handle.MetadataText("script")!), StringComparison.Ordinal);
            await RunnerSteps.WaitAsync(runner, [handle], r => r.Status == JobStatus.Running, Patience);

            Assert.Equal(0, DaemonFixture.Run("scontrol", "requeue", handle.JobId).ExitCode);
            var requeued = (await RunnerSteps.WaitAsync(runner, [handle], r => r.Status != JobStatus.Running, Patience))[0];

            // Slurm holds a requeued batch job back for about two minutes (its BeginTime); let it start now.
            var waiting = (await RunnerSteps.WaitAsync(runner, [handle], r => Text(r, "state") == "PENDING", Patience))[0];
            Assert.Equal(0, DaemonFixture.Run("scontrol", "update", $"JobId={handle.JobId}", "StartTime=now").ExitCode);
            var again = (await RunnerSteps.WaitAsync(runner, [handle], r => r.Status != JobStatus.Pending, Patience))[0];

            Assert.Equal(JobStatus.Pending, requeued.Status);
            Assert.Equal(1, Number(requeued, "restarts"));
            Assert.Equal(JobStatus.Pending, waiting.Status);
            Assert.Equal(1, Number(waiting, "restarts"));
            Assert.Equal(JobStatus.Running, again.Status);
            Assert.Equal(1, Number(again, "restarts"));
        }
        finally
        {
            await runner.CancelAsync(handle);
        }
    }

    private static string? Text(JobStatusResult result, string key) => result.Detail.GetValueOrDefault(key)?.ToString();

    private static long Number(JobStatusResult result, string key) =>
        result.Detail.GetValueOrDefault(key) is JsonValue value ? long.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) : throw new Xunit.Sdk.XunitException($"no {key}: {RunnerSteps.Describe(result)}");

    private static double Fraction(JobStatusResult result, string key) =>
        result.Detail.GetValueOrDefault(key) is JsonValue value ? value.GetValue<double>() : throw new Xunit.Sdk.XunitException($"no {key}: {RunnerSteps.Describe(result)}");

    private static string JsonValueKind(JsonNode? node) => node?.GetValueKind().ToString() ?? "missing";

    private static long MaxRss(string jobId) => Sacct(jobId).MaxRss;

    /// <summary>
    /// sacct's own figures for one job, asked the way a person would (<c>--noconvert</c>: bytes, no units): the largest
    /// MaxRSS of its steps, its ElapsedRaw seconds, and its TotalCPU read here on its own.
    /// </summary>
    private static (long MaxRss, long Elapsed, double TotalCpu) Sacct(string jobId)
    {
        var (code, output) = DaemonFixture.Run("sacct", "--noconvert", "-P", "-n", "-o", "JobID,MaxRSS,ElapsedRaw,TotalCPU", "-j", jobId);
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToList();
        var job = lines.Single(f => f[0] == jobId);
        var peak = lines.Where(f => f[0].StartsWith(jobId + ".", StringComparison.Ordinal) && f[1].Length > 0).Max(f => long.Parse(f[1], CultureInfo.InvariantCulture));
        return (peak, long.Parse(job[2], CultureInfo.InvariantCulture), Seconds(job[3]));
    }

    /// <summary>TotalCPU: <c>MM:SS.mmm</c> under an hour, <c>[D-]HH:MM:SS</c> above.</summary>
    private static double Seconds(string text)
    {
        var days = text.Contains('-', StringComparison.Ordinal) ? double.Parse(text[..text.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture) : 0;
        var parts = text[(text.IndexOf('-', StringComparison.Ordinal) + 1)..].Split(':').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).Reverse().ToArray();
        return (days * 86_400) + parts[0] + (parts.Length > 1 ? parts[1] * 60 : 0) + (parts.Length > 2 ? parts[2] * 3600 : 0);
    }
}
