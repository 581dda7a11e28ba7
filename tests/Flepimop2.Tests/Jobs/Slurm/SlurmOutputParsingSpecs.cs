using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>The parsers against what Slurm 22.05.8 printed (verbatim, see SLURM-NOTES.md and a run on the test cluster).</summary>
public sealed class SlurmOutputParsingSpecs
{
    private const long KiB = 1024;
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData("1\n", "1", null)]
    [InlineData("17;flepimop2\n", "17", "flepimop2")]
    [InlineData("sbatch: warning: something\n42\n", "42", null)]
    public void The_job_id_is_read_from_sbatch_parsable_with_the_cluster_after_a_semicolon(string stdout, string id, string? cluster)
    {
        Assert.Equal((id, cluster), SbatchParser.Parse(stdout));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Submitted batch job 5\n")]
    public void Output_without_a_job_id_gives_none(string stdout)
    {
        Assert.Null(SbatchParser.Parse(stdout));
    }

    [Fact]
    public void Squeue_lines_give_state_reason_nodes_and_restarts()
    {
        // squeue -O as the test cluster printed it; 8025 was requeued once and waits for its begin time.
        var rows = SqueueParser.Parse("8019_2|COMPLETED|None|vm|0\n8021|PENDING|BeginTime||1\n8020|RUNNING|None|vm|0\n8025|COMPLETING|None|vm|1\n");

        Assert.Equal(new SlurmJobRow("8019_2", "COMPLETED", Nodes: "vm", Restarts: 0), rows["8019_2"]);
        Assert.Equal(new SlurmJobRow("8021", "PENDING", Reason: "BeginTime", Restarts: 1), rows["8021"]);
        Assert.Equal(new SlurmJobRow("8020", "RUNNING", Nodes: "vm", Restarts: 0), rows["8020"]);
        Assert.Equal(new SlurmJobRow("8025", "COMPLETING", Nodes: "vm", Restarts: 1), rows["8025"]);
    }

    [Fact]
    public void Squeue_lines_of_the_short_form_without_restarts_still_read()
    {
        var rows = SqueueParser.Parse("2|PENDING|Resources|\n16|RUNNING|None|vm\n");

        Assert.Equal(new SlurmJobRow("2", "PENDING", Reason: "Resources"), rows["2"]);
        Assert.Equal(new SlurmJobRow("16", "RUNNING", Nodes: "vm"), rows["16"]);
    }

    [Fact]
    public void The_cluster_header_of_squeue_with_a_cluster_is_skipped()
    {
        var rows = SqueueParser.Parse("CLUSTER: flepimop2\n17|RUNNING|None|vm\n");

        Assert.Equal(["17"], rows.Keys);
    }

    [Fact]
    public void Sacct_lines_give_state_exit_code_signal_elapsed_and_nodes()
    {
        // Without -X, as the status asks now (SLURM-NOTES.md: the same jobs' allocation lines, and each with its step).
        const string Printed =
            "1|1|COMPLETED|0:0|00:00:00|vm||50M|00:00.001|1|UNLIMITED\n" +
            "1.batch|1.batch|COMPLETED|0:0|00:00:00|vm|||00:00.001|1|\n" +
            "2|2|FAILED|7:0|00:00:00|vm||50M|00:00.002|1|UNLIMITED\n" +
            "2.batch|2.batch|FAILED|7:0|00:00:00|vm|||00:00.002|1|\n" +
            "3|3|CANCELLED by 0|0:0|00:00:00|None assigned||50M|00:00:00|1|UNLIMITED\n" +
            "5|5|PENDING|0:0|00:00:00|None assigned||50M|00:00:00|1|UNLIMITED\n";

        var rows = SacctParser.Parse(Printed);

        var usage = new JobUsage(0, "UNLIMITED", null, null, 50 * MiB, 0.001, 1);
        Assert.Equal(["1", "2", "3", "5"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SlurmJobRow("1", "COMPLETED", 0, 0, "00:00:00", "vm", Usage: usage), rows["1"]);
        Assert.Equal(new SlurmJobRow("2", "FAILED", 7, 0, "00:00:00", "vm", Usage: usage with { TotalCpuSeconds = 0.002 }), rows["2"]);
        Assert.Equal(new SlurmJobRow("3", "CANCELLED", 0, 0, "00:00:00", null, CancelledBy: "0", Usage: usage with { TotalCpuSeconds = 0 }), rows["3"]);
        Assert.Equal(new SlurmJobRow("5", "PENDING", 0, 0, "00:00:00", null, Usage: usage with { TotalCpuSeconds = 0 }), rows["5"]);
    }

    [Fact]
    public void A_jobs_steps_fold_into_it_with_the_largest_peak_and_the_cpu_time_of_the_allocation_line()
    {
        // Printed by the test cluster (jobacct_gather/linux, OverMemoryKill): a job killed holding 300 MB of its 100M, one
        // that held 200 MB of 500M, one that kept 2 CPUs busy, one asking 60M per CPU on 2, one with two srun steps.
        const string Printed =
            "8016|8016|FAILED|0:9|00:00:02|vm||100M|00:00.001|1|UNLIMITED\n" +
            "8016.batch|8016.batch|CANCELLED by 0|0:9|00:00:02|vm|322180K||00:00.001|1|\n" +
            "8017|8017|COMPLETED|0:0|00:00:06|vm||500M|00:00.193|1|UNLIMITED\n" +
            "8017.batch|8017.batch|COMPLETED|0:0|00:00:06|vm|219580K||00:00.193|1|\n" +
            "8018|8018|COMPLETED|0:0|00:00:06|vm||50M|00:03.800|2|UNLIMITED\n" +
            "8018.batch|8018.batch|COMPLETED|0:0|00:00:06|vm|4632K||00:03.800|2|\n" +
            "8026|8026|COMPLETED|0:0|00:00:02|vm||120M|00:00.973|2|UNLIMITED\n" +
            "8026.batch|8026.batch|COMPLETED|0:0|00:00:02|vm|4604K||00:00.973|2|\n" +
            "8027|8027|COMPLETED|0:0|00:00:04|vm||400M|00:01.350|2|UNLIMITED\n" +
            "8027.batch|8027.batch|COMPLETED|0:0|00:00:04|vm|10624K||00:00.015|2|\n" +
            "8027.0|8027.0|COMPLETED|0:0|00:00:02|vm|3212K||00:01.182|2|\n" +
            "8027.1|8027.1|COMPLETED|0:0|00:00:02|vm|166988K||00:00.152|2|\n";

        var rows = SacctParser.Parse(Printed);

        Assert.Equal(["8016", "8017", "8018", "8026", "8027"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SlurmJobRow("8016", "FAILED", 0, 9, "00:00:02", "vm", Usage: new JobUsage(2, "UNLIMITED", null, 322180 * KiB, 100 * MiB, 0.001, 1)), rows["8016"]);
        Assert.Equal(new JobUsage(6, "UNLIMITED", null, 219580 * KiB, 500 * MiB, 0.193, 1), rows["8017"].Usage);
        Assert.Equal(new JobUsage(6, "UNLIMITED", null, 4632 * KiB, 50 * MiB, 3.8, 2), rows["8018"].Usage);
        Assert.Equal(new JobUsage(2, "UNLIMITED", null, 4604 * KiB, 120 * MiB, 0.973, 2), rows["8026"].Usage);
        Assert.Equal(new JobUsage(4, "UNLIMITED", null, 166988 * KiB, 400 * MiB, 1.35, 2), rows["8027"].Usage);
        Assert.Equal(3.1463, rows["8016"].Usage!.MemoryEfficiency);
        Assert.Equal(0.3167, rows["8018"].Usage!.CpuEfficiency);
        Assert.Equal(0.4077, rows["8027"].Usage!.MemoryEfficiency);
    }

    [Fact]
    public void A_running_or_requeued_job_has_no_peak_and_its_limit_as_sacct_prints_it()
    {
        // A job with --time=1 running, one running again after a requeue (Slurm then shows 365 days for no limit), one
        // pending after a requeue (Partition_Limit), and a job too short to be sampled.
        const string Printed =
            "8020|8020|RUNNING|0:0|00:00:11|vm||50M|00:00:00|1|00:01:00\n" +
            "8020.batch|8020.batch|RUNNING|0:0|00:00:11|vm|||00:00:00|1|\n" +
            "8025|8025|RUNNING|0:0|00:00:08|vm||50M|00:00:00|1|365-00:00:00\n" +
            "8025.batch|8025.batch|RUNNING|0:0|00:00:08|vm|||00:00:00|1|\n" +
            "8021|8021|PENDING|0:0|00:00:00|None assigned||50M|00:00:00|1|Partition_Limit\n" +
            "8028|8028|COMPLETED|0:0|00:00:00|vm||1G|00:00.001|1|UNLIMITED\n" +
            "8028.batch|8028.batch|COMPLETED|0:0|00:00:00|vm|||00:00.001|1|\n";

        var rows = SacctParser.Parse(Printed);

        Assert.Equal(new JobUsage(11, "00:01:00", 60, null, 50 * MiB, 0, 1), rows["8020"].Usage);
        Assert.Equal(new JobUsage(8, "365-00:00:00", 365 * 86_400, null, 50 * MiB, 0, 1), rows["8025"].Usage);
        Assert.Equal(new JobUsage(0, "Partition_Limit", null, null, 50 * MiB, 0, 1), rows["8021"].Usage);
        Assert.Equal(new JobUsage(0, "UNLIMITED", null, null, MiB * 1024, 0.001, 1), rows["8028"].Usage);
        Assert.Null(rows["8028"].Usage!.MemoryEfficiency);
        Assert.Null(rows["8028"].Usage!.CpuEfficiency);
    }

    [Fact]
    public void An_array_tasks_step_folds_into_the_task_and_a_pending_range_has_no_steps()
    {
        const string Printed =
            "8037_0|8038|COMPLETED|0:0|00:00:02|vm||50M|00:00.002|1|UNLIMITED\n" +
            "8037_0.batch|8038.batch|COMPLETED|0:0|00:00:02|vm|3180K||00:00.002|1|\n" +
            "8037_1|8039|COMPLETED|0:0|00:00:02|vm||50M|00:00.002|1|UNLIMITED\n" +
            "8037_1.batch|8039.batch|COMPLETED|0:0|00:00:02|vm|3208K||00:00.002|1|\n" +
            "8037_[2-9%2]|8037|PENDING|0:0|00:00:00|None assigned||50M|00:00:00|1|UNLIMITED\n";

        var rows = SacctParser.Parse(Printed);

        Assert.Equal(3180 * KiB, rows["8037_0"].Usage!.MaxRssBytes);
        Assert.Equal(3208 * KiB, rows["8037_1"].Usage!.MaxRssBytes);
        Assert.Equal(new SlurmJobRow("8037_9", "PENDING", 0, 0, "00:00:00", null, FromRange: true, Usage: new JobUsage(0, "UNLIMITED", null, null, 50 * MiB, 0, 1)), rows["8037_9"]);
        Assert.False(rows.ContainsKey("8038"));
    }

    [Fact]
    public void A_step_line_before_its_jobs_line_or_without_one_changes_nothing_else()
    {
        var rows = SacctParser.Parse(
            "7.batch|7.batch|COMPLETED|0:0|00:00:04|vm|2048K||00:00.500|1|\n" +
            "7|7|COMPLETED|0:0|00:00:04|vm||4Gn||1|UNLIMITED\n" +
            "9.extern|9.extern|COMPLETED|0:0|00:00:04|vm|1024K||00:00:01|1|\n");

        Assert.Equal(["7"], rows.Keys);
        Assert.Equal(new JobUsage(4, "UNLIMITED", null, 2 * MiB, 4 * 1024 * MiB, 0.5, 1), rows["7"].Usage);
    }

    [Fact]
    public void Scontrol_one_line_records_give_state_exit_code_run_time_nodes_and_reason()
    {
        const string Printed =
            "JobId=16 JobName=a.sh UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901744 Nice=0 Account=root QOS=normal JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=4:0 RunTime=00:00:05 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-25T16:20:02 EligibleTime=2026-11-25T16:20:02 AccrueTime=2026-11-25T16:20:02 StartTime=2026-11-25T16:20:02 EndTime=2026-11-25T16:20:07 Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-11-25T16:20:02 Scheduler=Main Partition=debug AllocNode:Sid=localhost:8223 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=50M,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=50M MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/slurmexp/a.sh WorkDir=/tmp/slurmexp StdErr=/tmp/slurmexp/slurm-16.out StdIn=/dev/null StdOut=/tmp/slurmexp/slurm-16.out Power= \n" +
            "JobId=18 JobName=dq # name UserId=root(0) JobState=PENDING Reason=JobHeldUser ExitCode=0:0 RunTime=00:00:00 NodeList=(null)\n";

        var rows = ScontrolParser.Parse(Printed);

        Assert.Equal(new SlurmJobRow("16", "FAILED", 4, 0, "00:00:05", "vm", "NonZeroExitCode", Restarts: 0), rows["16"]);
        Assert.Equal(new SlurmJobRow("18", "PENDING", 0, 0, "00:00:00", null, "JobHeldUser"), rows["18"]);
    }

    [Theory]
    [InlineData("123", true)]
    [InlineData("123_4", true)]
    [InlineData("123+1", true)]
    [InlineData("abc", false)]
    [InlineData("1,2", false)]
    [InlineData("-1", false)]
    [InlineData("", false)]
    public void Only_slurm_job_ids_are_passed_to_the_tools(string id, bool valid)
    {
        Assert.Equal(valid, SbatchParser.IsJobId(id));
    }

    [Fact]
    public void The_status_commands_are_batched_and_machine_readable_with_the_cluster_only_when_known()
    {
        Assert.Equal(["squeue", "-t", "all", "-r", "-h", "-O", "JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:", "-j", "1,2,3"], SlurmCommandLines.Squeue(["1", "2", "3"], null));
        Assert.Equal(
            ["sacct", "-M", "c1", "-P", "-n", "-o", "JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList,MaxRSS,ReqMem,TotalCPU,AllocCPUS,Timelimit", "-j", "1,2"],
            SlurmCommandLines.Sacct(["1", "2"], "c1"));
        Assert.Equal(["scancel", "-M", "c1", "7"], SlurmCommandLines.Scancel("7", "c1"));
        Assert.Equal(["sbatch", "--parsable", "/s/job.sh"], SlurmCommandLines.Sbatch("/s/job.sh"));
    }
}
