using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

public sealed class SlurmStateSpecs
{
    [Theory]
    [InlineData("PENDING", JobStatus.Pending)]
    [InlineData("CONFIGURING", JobStatus.Pending)]
    [InlineData("REQUEUED", JobStatus.Pending)]
    [InlineData("REQUEUE_HOLD", JobStatus.Pending)]
    [InlineData("REQUEUE_FED", JobStatus.Pending)]
    [InlineData("RESV_DEL_HOLD", JobStatus.Pending)]
    [InlineData("RUNNING", JobStatus.Running)]
    [InlineData("COMPLETING", JobStatus.Running)]
    [InlineData("STAGE_OUT", JobStatus.Running)]
    [InlineData("SIGNALING", JobStatus.Running)]
    [InlineData("RESIZING", JobStatus.Running)]
    [InlineData("SUSPENDED", JobStatus.Running)]
    [InlineData("STOPPED", JobStatus.Running)]
    [InlineData("COMPLETED", JobStatus.Successful)]
    [InlineData("FAILED", JobStatus.Failed)]
    [InlineData("CANCELLED", JobStatus.Failed)]
    [InlineData("TIMEOUT", JobStatus.Failed)]
    [InlineData("OUT_OF_MEMORY", JobStatus.Failed)]
    [InlineData("NODE_FAIL", JobStatus.Failed)]
    [InlineData("PREEMPTED", JobStatus.Failed)]
    [InlineData("BOOT_FAIL", JobStatus.Failed)]
    [InlineData("DEADLINE", JobStatus.Failed)]
    [InlineData("REVOKED", JobStatus.Failed)]
    [InlineData("SPECIAL_EXIT", JobStatus.Failed)]
    public void Every_slurm_state_maps_to_one_job_status(string state, JobStatus expected)
    {
        Assert.Equal(expected, SlurmStates.Map(state));
    }

    [Theory]
    [InlineData("PD", JobStatus.Pending)]
    [InlineData("R", JobStatus.Running)]
    [InlineData("CG", JobStatus.Running)]
    [InlineData("CD", JobStatus.Successful)]
    [InlineData("F", JobStatus.Failed)]
    [InlineData("CA", JobStatus.Failed)]
    [InlineData("TO", JobStatus.Failed)]
    [InlineData("OOM", JobStatus.Failed)]
    public void The_short_state_codes_map_like_the_long_names(string code, JobStatus expected)
    {
        Assert.Equal(expected, SlurmStates.Map(code));
    }

    [Theory]
    [InlineData("CANCELLED by 0", "CANCELLED")]
    [InlineData("CANCELLED by 1000", "CANCELLED")]
    [InlineData("OUT_OF_ME+", "OUT_OF_ME")]
    [InlineData(" running ", "RUNNING")]
    public void A_state_as_sacct_prints_it_is_reduced_to_the_bare_state(string printed, string bare)
    {
        Assert.Equal(bare, SlurmStates.Normalize(printed));
    }

    [Fact]
    public void A_state_the_table_does_not_know_is_left_to_the_caller()
    {
        Assert.Null(SlurmStates.Map("WARP_DRIVE"));
    }

    [Fact]
    public void The_table_covers_every_state_of_the_squeue_manual()
    {
        string[] manual =
        [
            "BOOT_FAIL", "CANCELLED", "COMPLETED", "CONFIGURING", "COMPLETING", "DEADLINE", "FAILED", "NODE_FAIL", "OUT_OF_MEMORY",
            "PENDING", "PREEMPTED", "RUNNING", "RESV_DEL_HOLD", "REQUEUE_FED", "REQUEUE_HOLD", "REQUEUED", "RESIZING", "REVOKED",
            "SIGNALING", "SPECIAL_EXIT", "STAGE_OUT", "STOPPED", "SUSPENDED", "TIMEOUT",
        ];

        Assert.Equal(manual.Order(StringComparer.Ordinal), SlurmStates.Names.Order(StringComparer.Ordinal));
    }
}
