using Flepimop2.Jobs;
using Flepimop2.Jobs.GridEngine.Internal;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>
/// Why a finished Grid Engine job failed, from its accounting record; the figures are those of real runs on the test cell
/// (see GridEngineCellSpecs for the same runs end to end).
/// </summary>
public sealed class GridEngineEndingSpecs
{
    private const long MiB = 1024 * 1024;

    private static readonly GridEngineStatusContext Limits = new(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5), TimeLimitSeconds: 60, ReqMemBytes: 300 * MiB);

    [Fact]
    public void Processes_killed_together_over_h_vmem_ran_out_of_memory_and_are_advised_the_next_power_of_two()
    {
        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed: 37, exit: 137, wallclock: 1, maxRss: 4631 * 1024, maxVmem: 646_386_000), Limits);

        Assert.Equal("ran out of memory: its processes together reached 616.4M of virtual memory, over its h_vmem limit of 300M, so Grid Engine killed it (signal 9)", reason);
        Assert.Equal("""{"memory":"1G"}""", retry!.ToJsonString());
    }

    [Fact]
    public void A_process_whose_allocation_failed_at_the_limit_probably_ran_out_of_memory()
    {
        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed: 0, exit: 1, wallclock: 2, maxRss: 291_796L * 1024, maxVmem: 194_060_000), Limits);

        Assert.Equal("probably ran out of memory: it reached 285M against its h_vmem limit of 300M, where an allocation fails and the program ends with its own error", reason);
        Assert.Equal("""{"memory":"512M"}""", retry!.ToJsonString());
    }

    [Fact]
    public void H_vmem_is_per_slot_so_a_job_of_two_slots_may_use_twice_as_much_and_is_advised_per_slot()
    {
        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed: 0, exit: 1, wallclock: 3, maxRss: 602_055L * 1024, maxVmem: 574_710_000, slots: 2), Limits);
        var (under, none) = GridEngineStatusResolver.Ending(Record(failed: 0, exit: 1, wallclock: 3, maxRss: 291_796L * 1024, maxVmem: 0, slots: 2), Limits);

        Assert.Equal("probably ran out of memory: it reached 587.9M against its h_vmem limit of 600M (300M per slot, 2 slots), where an allocation fails and the program ends with its own error", reason);
        Assert.Equal("""{"memory":"512M"}""", retry!.ToJsonString());
        Assert.StartsWith("it may have hit its h_vmem limit of 600M (300M per slot, 2 slots)", under, StringComparison.Ordinal);
        Assert.Null(none);
    }

    [Theory]
    [InlineData(3, 10L, "its peak stayed at 10M")]
    [InlineData(1, 13L, "its peak stayed at 13M")]
    [InlineData(1, 250L, "its peak stayed at 250M")]
    [InlineData(134, 0L, "no peak was recorded")]
    public void A_job_that_failed_under_h_vmem_with_a_low_peak_may_have_hit_it_and_is_told_so_without_advice(int exit, long peakMiB, string reached)
    {
        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed: 0, exit, wallclock: 5, maxRss: peakMiB * MiB, maxVmem: peakMiB * MiB), Limits);

        Assert.Equal($"it may have hit its h_vmem limit of 300M: that limits each process's address space, and an allocation over it fails without raising the peak ({reached}); if its log shows an allocation failure, ask for more memory", reason);
        Assert.Null(retry);
    }

    [Fact]
    public void A_job_over_its_h_rt_ran_out_of_time_whatever_its_memory()
    {
        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed: 37, exit: 137, wallclock: 61, maxRss: 0, maxVmem: 400 * MiB), Limits);

        Assert.StartsWith("ran out of time: it reached its h_rt limit of 0:01:00", reason, StringComparison.Ordinal);
        Assert.Equal("""{"time":"0-00:02:00"}""", retry!.ToJsonString());
    }

    [Theory]
    [InlineData(100L, true, "it had not reached its h_rt, so its h_vmem limit of 300M; its last sampled peak, 100M, missed the end")]
    [InlineData(0L, false, "it has no h_rt, so its h_vmem limit of 300M; its memory was not sampled")]
    public void Killed_for_a_limit_short_of_its_h_rt_it_probably_ran_out_of_memory_whatever_the_last_sample_said(long peakMiB, bool withTime, string why)
    {
        var limits = withTime ? Limits : Limits with { TimeLimitSeconds = null };

        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed: 37, exit: 137, wallclock: 5, maxRss: peakMiB * MiB, maxVmem: peakMiB * MiB), limits);

        Assert.Equal("probably ran out of memory: Grid Engine killed it for a limit (failed 37, signal 9) and " + why, reason);
        Assert.Equal("""{"memory":"512M"}""", retry!.ToJsonString());
    }

    [Theory]
    [InlineData(0, GridEngineScriptRenderer.DependencyFailedExitCode, 10L, null)]
    [InlineData(100, 137, 290L, "assumedly after job: it was killed while it ran (qdel, or a limit)")]
    public void Other_failures_keep_grid_engines_meaning_and_get_no_advice(int failed, int exit, long peakMiB, string? meaning)
    {
        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed, exit, wallclock: 5, maxRss: peakMiB * MiB, maxVmem: peakMiB * MiB), Limits);

        Assert.Equal(meaning, reason);
        Assert.Null(retry);
    }

    [Fact]
    public void Without_h_vmem_nothing_is_called_out_of_memory_and_a_successful_job_has_no_reason()
    {
        var noLimit = Limits with { ReqMemBytes = null };

        var (reason, retry) = GridEngineStatusResolver.Ending(Record(failed: 0, exit: 1, wallclock: 2, maxRss: 4096 * MiB, maxVmem: 4096 * MiB), noLimit);
        var success = GridEngineStatusResolver.Resolve(new JobHandle("5", "gridengine", DateTimeOffset.UtcNow), "5", null, Record(failed: 0, exit: 0, wallclock: 2, maxRss: 299 * MiB, maxVmem: 299 * MiB), Limits);

        Assert.Null(reason);
        Assert.Null(retry);
        Assert.Equal(JobStatus.Successful, success.Status);
        Assert.False(success.Detail.ContainsKey("reason"));
        Assert.False(success.Detail.ContainsKey("retry"));
    }

    [Fact]
    public void The_memory_a_job_may_use_is_its_h_vmem_times_its_slots_in_its_detail()
    {
        var result = GridEngineStatusResolver.Resolve(new JobHandle("5", "gridengine", DateTimeOffset.UtcNow), "5", null, Record(failed: 0, exit: 0, wallclock: 2, maxRss: 150 * MiB, maxVmem: 0, slots: 4), Limits);

        Assert.Equal(1200 * MiB, result.Detail["req_mem_bytes"]!.GetValue<long>());
        Assert.Equal(0.125, result.Detail["mem_efficiency"]!.GetValue<double>(), 3);
    }

    private static GridEngineAccountingRecord Record(int failed, int exit, long wallclock, long maxRss, long maxVmem, int slots = 1) =>
        new("5", null, failed, exit, 1_795_693_752, 1_795_693_752 + wallclock, wallclock, maxRss, 0.5, maxVmem, slots);
}
