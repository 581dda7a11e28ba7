using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// What a job used, why it ended, what to ask for next time, and a requeued job, decided from the tools' lines as the test
/// cluster printed them (Slurm 22.05.8, jobacct_gather/linux with OverMemoryKill; see scripts/slurm/start-cluster.sh).
/// </summary>
public sealed class SlurmUsageSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 11, 0, 0, TimeSpan.Zero);
    private static readonly SlurmStatusContext Context = new(Now, TimeSpan.FromMinutes(5), null);

    [Fact]
    public void A_job_killed_over_its_memory_is_failed_as_out_of_memory_with_the_next_power_of_two_as_advice()
    {
        // `allocate 300 MB` under --mem=100M: OverMemoryKill ends it FAILED with signal 9, not OUT_OF_MEMORY (no cgroups).
        var result = Resolve(
            "8016|8016|FAILED|0:9|00:00:02|vm||100M|00:00.001|1|UNLIMITED\n" +
            "8016.batch|8016.batch|CANCELLED by 0|0:9|00:00:02|vm|322180K||00:00.001|1|\n");

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal(
            """{"state":"FAILED","exit_code":0,"signal":9,"elapsed":"00:00:02","elapsed_seconds":2,"time_limit":"UNLIMITED","alloc_cpus":1,"req_mem_bytes":104857600,"max_rss_bytes":329912320,"mem_efficiency":3.1463,"cpu_efficiency":0.0005,"nodes":"vm","reason":"ran out of memory: its peak of 314.6M went over its limit of 100M, so Slurm killed it (signal 9)","retry":{"memory":"512M"},"source":"sacct"}""",
            Json(result));
    }

    [Fact]
    public void A_record_the_database_has_only_in_part_takes_the_limit_and_memory_the_options_asked_for()
    {
        // For a moment after a short job ends, slurmdbd has its end but not its submission: ReqMem 16?, no Timelimit.
        var partial = SacctParser.Parse("8479|8479|FAILED|0:9|00:00:01|vm||16?|00:00.001|1|\n8479.batch|8479.batch|CANCELLED by 0|0:9|00:00:01|vm|441276K||00:00.001|1|\n")["8479"];
        var requested = new JobUsage(TimeLimit: "0-00:05:00", TimeLimitSeconds: 300, ReqMemBytes: 100 * 1024 * 1024);

        var bare = SlurmStatusResolver.Resolve(Handle("8479"), null, partial, Context);
        var filled = SlurmStatusResolver.Resolve(Handle("8479"), null, partial, Context with { Requested = requested });
        var complete = SlurmStatusResolver.Resolve(
            Handle("8479"), null, SacctParser.Parse("8479|8479|FAILED|0:9|00:00:01|vm||200M|00:00.001|1|00:01:00\n")["8479"], Context with { Requested = requested });

        Assert.False(bare.Detail.ContainsKey("req_mem_bytes"));
        Assert.False(bare.Detail.ContainsKey("reason"));
        Assert.Equal(104857600, filled.Detail["req_mem_bytes"]!.GetValue<long>());
        Assert.Equal(300, filled.Detail["time_limit_seconds"]!.GetValue<long>());
        Assert.Equal("ran out of memory: its peak of 430.9M went over its limit of 100M, so Slurm killed it (signal 9)", Text(filled, "reason"));
        Assert.Equal(209715200, complete.Detail["req_mem_bytes"]!.GetValue<long>());
        Assert.Equal("00:01:00", Text(complete, "time_limit"));
    }

    [Fact]
    public void Out_of_memory_as_slurm_with_cgroups_says_it_is_read_with_its_peak_and_limit()
    {
        // The form of a cgroup cluster (not this one): the state says it, and the peak may stay just under the limit.
        var result = Resolve(
            "9|9|OUT_OF_MEMORY|0:125|00:00:05|vm||1G|00:00:02|1|UNLIMITED\n" +
            "9.batch|9.batch|OUT_OF_MEMORY|0:125|00:00:05|vm|1048000K||00:00:02|1|\n");

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("ran out of memory: its peak of 1023.4M against its limit of 1G (OUT_OF_MEMORY)", Text(result, "reason"));
        Assert.Equal("""{"memory":"2G"}""", result.Detail["retry"]!.ToJsonString());
    }

    [Fact]
    public void Out_of_memory_without_a_sampled_peak_still_says_so_and_advises_from_the_limit()
    {
        var result = Resolve("9|9|OUT_OF_MEMORY|0:125|00:00:00|vm||300M|00:00.001|1|UNLIMITED\n9.batch|9.batch|OUT_OF_MEMORY|0:125|00:00:00|vm|||00:00.001|1|\n");

        Assert.Equal("ran out of memory: over its limit of 300M (OUT_OF_MEMORY)", Text(result, "reason"));
        Assert.Equal("""{"memory":"512M"}""", result.Detail["retry"]!.ToJsonString());
        Assert.False(result.Detail.ContainsKey("max_rss_bytes"));
    }

    [Fact]
    public void A_job_killed_by_signal_9_under_its_limit_did_not_run_out_of_memory()
    {
        var result = Resolve("11|11|FAILED|0:9|00:00:40|vm||100M|00:00:39|1|UNLIMITED\n11.batch|11.batch|FAILED|0:9|00:00:40|vm|20480K||00:00:39|1|\n");

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.False(result.Detail.ContainsKey("reason"));
        Assert.False(result.Detail.ContainsKey("retry"));
        Assert.Equal(0.2, result.Detail["mem_efficiency"]!.GetValue<double>());
        Assert.Equal(0.975, result.Detail["cpu_efficiency"]!.GetValue<double>());
    }

    [Fact]
    public void A_timed_out_job_is_advised_twice_its_limit()
    {
        // --time=1 and `sleep 300`: ended 72 s after it started.
        var result = Resolve(
            "8044|8044|TIMEOUT|0:0|00:01:12|vm||50M|00:00.001|1|00:01:00\n" +
            "8044.batch|8044.batch|CANCELLED|0:15|00:01:12|vm|3192K||00:00.001|1|\n");

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("ran out of time: it reached its time limit of 00:01:00", Text(result, "reason"));
        Assert.Equal("""{"time":"0-00:02:00"}""", result.Detail["retry"]!.ToJsonString());
        Assert.Equal(60, result.Detail["time_limit_seconds"]!.GetValue<long>());
        Assert.Equal(72, result.Detail["elapsed_seconds"]!.GetValue<long>());
    }

    [Fact]
    public void A_timed_out_job_whose_limit_sacct_does_not_give_is_advised_twice_its_run_time()
    {
        var result = Resolve("12|12|TIMEOUT|0:0|01:00:30|vm||50M|00:00.001|1|Partition_Limit\n");

        Assert.Equal("ran out of time", Text(result, "reason"));
        Assert.Equal("""{"time":"0-02:01:00"}""", result.Detail["retry"]!.ToJsonString());
    }

    [Theory]
    [InlineData("COMPLETED|0:0")]
    [InlineData("FAILED|7:0")]
    [InlineData("CANCELLED by 0|0:15")]
    public void Any_other_end_gets_no_advice(string stateAndCode)
    {
        var result = Resolve($"13|13|{stateAndCode}|00:00:03|vm||50M|00:00.024|1|00:05:00\n13.batch|13.batch|COMPLETED|0:0|00:00:03|vm|27792K||00:00.024|1|\n");

        Assert.False(result.Detail.ContainsKey("retry"));
        Assert.Equal(28459008, result.Detail["max_rss_bytes"]!.GetValue<long>());
    }

    [Fact]
    public void A_running_job_shows_its_time_and_request_but_no_peak_or_efficiency_yet()
    {
        var result = SlurmStatusResolver.Resolve(
            Handle("8020"),
            SqueueParser.Parse("8020|RUNNING|None|vm|0\n")["8020"],
            SacctParser.Parse("8020|8020|RUNNING|0:0|00:00:11|vm||50M|00:00:00|1|00:01:00\n8020.batch|8020.batch|RUNNING|0:0|00:00:11|vm|||00:00:00|1|\n")["8020"],
            Context);

        Assert.Equal(JobStatus.Running, result.Status);
        Assert.Equal(
            """{"state":"RUNNING","nodes":"vm","elapsed":"00:00:11","elapsed_seconds":11,"time_limit":"00:01:00","time_limit_seconds":60,"alloc_cpus":1,"req_mem_bytes":52428800,"source":"squeue"}""",
            Json(result));
    }

    [Fact]
    public void A_requeued_job_reads_pending_while_it_is_cleaned_up_and_waits_then_running_with_its_restart_count()
    {
        // Job 8025 (--requeue) after `scontrol requeue 8025`, polled every 0.4 s: squeue, then sacct.
        var completing = Resolve("8025|COMPLETING|None|vm|1\n", "8025|8025|REQUEUED|0:0|00:00:02|vm||50M|00:00.001|1|UNLIMITED\n8025.batch|8025.batch|REQUEUED|0:0|00:00:02|vm|||00:00.001|1|\n");
        var waiting = Resolve("8025|PENDING|BeginTime||1\n", "8025|8025|REQUEUED|0:0|00:00:02|vm||50M|00:00.001|1|UNLIMITED\n8025.batch|8025.batch|CANCELLED|0:15|00:00:02|vm|3016K||00:00.001|1|\n");
        var recorded = Resolve("8025|PENDING|BeginTime||1\n", "8025|8025|PENDING|0:0|00:00:00|None assigned||50M|00:00:00|1|Partition_Limit\n");
        var running = Resolve("8025|RUNNING|None|vm|1\n", "8025|8025|RUNNING|0:0|00:00:08|vm||50M|00:00:00|1|365-00:00:00\n8025.batch|8025.batch|RUNNING|0:0|00:00:08|vm|||00:00:00|1|\n");

        Assert.Equal([JobStatus.Pending, JobStatus.Pending, JobStatus.Pending, JobStatus.Running], new[] { completing, waiting, recorded, running }.Select(r => r.Status));
        Assert.Equal(
            """{"state":"COMPLETING","restarts":1,"reason":"Slurm requeued it (its run ended REQUEUED); it waits to start again","source":"squeue"}""",
            Json(completing));
        Assert.Equal("BeginTime", Text(waiting, "reason"));
        Assert.All(new[] { completing, waiting, recorded, running }, r => Assert.Equal(1, r.Detail["restarts"]!.GetValue<int>()));
        Assert.Equal(365 * 86_400, running.Detail["time_limit_seconds"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("PREEMPTED|0:0")]
    [InlineData("NODE_FAIL|0:0")]
    [InlineData("REQUEUE_HOLD|0:0")]
    public void A_run_that_ended_preempted_or_with_its_node_is_pending_while_the_controller_holds_the_job_again(string end)
    {
        var completing = Resolve("14|COMPLETING|None|vm|1\n", $"14|14|{end}|00:10:00|vm||50M|00:00:01|1|UNLIMITED\n");
        var pending = Resolve("14|PENDING|BeginTime||1\n", $"14|14|{end}|00:10:00|vm||50M|00:00:01|1|UNLIMITED\n");

        Assert.Equal(JobStatus.Pending, completing.Status);
        Assert.Equal(JobStatus.Pending, pending.Status);
        Assert.Equal(1, pending.Detail["restarts"]!.GetValue<int>());
    }

    [Fact]
    public void A_preempted_job_that_was_not_requeued_is_failed()
    {
        var completing = Resolve("15|COMPLETING|None|vm|0\n", "15|15|PREEMPTED|0:0|00:10:00|vm||50M|00:00:01|1|UNLIMITED\n");
        var ended = Resolve("15|PREEMPTED|None|vm|0\n", "15|15|PREEMPTED|0:0|00:10:00|vm||50M|00:00:01|1|UNLIMITED\n");
        var forgotten = Resolve(string.Empty, "15|15|NODE_FAIL|0:0|00:10:00|vm||50M|00:00:01|1|UNLIMITED\n");

        Assert.Equal([JobStatus.Failed, JobStatus.Failed, JobStatus.Failed], new[] { completing.Status, ended.Status, forgotten.Status });
        Assert.False(ended.Detail.ContainsKey("restarts"));
    }

    [Fact]
    public void Without_accounting_the_restart_count_comes_from_scontrol()
    {
        var rows = ScontrolParser.Parse("JobId=8025 JobName=wrap UserId=root(0) JobState=PENDING Reason=BeginTime Dependency=(null) Requeue=1 Restarts=1 BatchFlag=1 ExitCode=0:0 RunTime=00:00:00 TimeLimit=365-00:00:00 NodeList=(null)\n");
        var context = Context with { AccountingSource = "scontrol" };

        var result = SlurmStatusResolver.Resolve(Handle("8025"), null, rows["8025"], context);

        Assert.Equal(JobStatus.Pending, result.Status);
        Assert.Equal(1, result.Detail["restarts"]!.GetValue<int>());
        Assert.Equal(0, result.Detail["elapsed_seconds"]!.GetValue<long>());
    }

    private static JobStatusResult Resolve(string sacct) => Resolve(string.Empty, sacct);

    private static JobStatusResult Resolve(string squeue, string sacct)
    {
        var accounted = SacctParser.Parse(sacct);
        var id = accounted.Keys.Single();
        return SlurmStatusResolver.Resolve(Handle(id), SqueueParser.Parse(squeue).GetValueOrDefault(id), accounted[id], Context);
    }

    private static JobHandle Handle(string id) => new(id, "slurm", Now.AddMinutes(-2));

    private static string? Text(JobStatusResult result, string key) => result.Detail.GetValueOrDefault(key)?.ToString();

    private static string Json(JobStatusResult result) =>
        new JsonObject(result.Detail.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))).ToJsonString();
}
