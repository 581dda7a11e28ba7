using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>The parsers against what Slurm 22.05.8 printed (verbatim, see SLURM-NOTES.md and a run on the test cluster).</summary>
public sealed class SlurmOutputParsingSpecs
{
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
    public void Squeue_lines_give_state_reason_and_nodes()
    {
        var rows = SqueueParser.Parse("2|PENDING|Resources|\n3|PENDING|Priority|\n16|RUNNING|None|vm\n");

        Assert.Equal(new SlurmJobRow("2", "PENDING", Reason: "Resources"), rows["2"]);
        Assert.Equal(new SlurmJobRow("3", "PENDING", Reason: "Priority"), rows["3"]);
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
        const string Printed = "1|1|COMPLETED|0:0|00:00:00|vm\n2|2|FAILED|7:0|00:00:00|vm\n3|3|CANCELLED by 0|0:0|00:00:00|None assigned\n4|4|TIMEOUT|0:0|00:01:18|vm\n5|5|PENDING|0:0|00:00:00|None assigned\n";

        var rows = SacctParser.Parse(Printed);

        Assert.Equal(new SlurmJobRow("1", "COMPLETED", 0, 0, "00:00:00", "vm"), rows["1"]);
        Assert.Equal(new SlurmJobRow("2", "FAILED", 7, 0, "00:00:00", "vm"), rows["2"]);
        Assert.Equal(new SlurmJobRow("3", "CANCELLED", 0, 0, "00:00:00", null, CancelledBy: "0"), rows["3"]);
        Assert.Equal(new SlurmJobRow("4", "TIMEOUT", 0, 0, "00:01:18", "vm"), rows["4"]);
        Assert.Equal(new SlurmJobRow("5", "PENDING", 0, 0, "00:00:00", null), rows["5"]);
    }

    [Fact]
    public void Sacct_step_lines_are_ignored_and_the_signal_after_the_colon_is_read()
    {
        var rows = SacctParser.Parse("2|2|FAILED|7:0|00:00:00|vm\n2.batch|2.batch|FAILED|7:0|00:00:00|vm\n4|4|CANCELLED|0:15|00:00:02|vm\n4.batch|4.batch|CANCELLED|0:15|00:00:02|vm\n");

        Assert.Equal(["2", "4"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(15, rows["4"].Signal);
    }

    [Fact]
    public void Scontrol_one_line_records_give_state_exit_code_run_time_nodes_and_reason()
    {
        const string Printed =
            "JobId=16 JobName=a.sh UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901744 Nice=0 Account=root QOS=normal JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=4:0 RunTime=00:00:05 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-25T16:20:02 EligibleTime=2026-11-25T16:20:02 AccrueTime=2026-11-25T16:20:02 StartTime=2026-11-25T16:20:02 EndTime=2026-11-25T16:20:07 Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-11-25T16:20:02 Scheduler=Main Partition=debug AllocNode:Sid=localhost:8223 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm BatchHost=vm NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=50M,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=50M MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null) Command=/tmp/slurmexp/a.sh WorkDir=/tmp/slurmexp StdErr=/tmp/slurmexp/slurm-16.out StdIn=/dev/null StdOut=/tmp/slurmexp/slurm-16.out Power= \n" +
            "JobId=18 JobName=dq # name UserId=root(0) JobState=PENDING Reason=JobHeldUser ExitCode=0:0 RunTime=00:00:00 NodeList=(null)\n";

        var rows = ScontrolParser.Parse(Printed);

        Assert.Equal(new SlurmJobRow("16", "FAILED", 4, 0, "00:00:05", "vm", "NonZeroExitCode"), rows["16"]);
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
        Assert.Equal(["squeue", "-t", "all", "-r", "-h", "-o", "%i|%T|%r|%N", "-j", "1,2,3"], SlurmCommandLines.Squeue(["1", "2", "3"], null));
        Assert.Equal(["sacct", "-M", "c1", "-X", "-P", "-n", "-o", "JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList", "-j", "1,2"], SlurmCommandLines.Sacct(["1", "2"], "c1"));
        Assert.Equal(["scancel", "-M", "c1", "7"], SlurmCommandLines.Scancel("7", "c1"));
        Assert.Equal(["sbatch", "--parsable", "/s/job.sh"], SlurmCommandLines.Sbatch("/s/job.sh"));
    }
}
