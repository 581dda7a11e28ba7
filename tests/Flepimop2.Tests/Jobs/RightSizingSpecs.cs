using System.Text.Json.Nodes;
using Flepimop2.Jobs;

namespace Flepimop2.Tests.Jobs;

/// <summary>Sizing the next run from what a job used: the largest peak and the longest run times 1.25, twice the limit for what ran out.</summary>
public sealed class RightSizingSpecs
{
    private const long MiB = 1024 * 1024;

    private static readonly JobHandle Handle = new("42", "slurm", DateTimeOffset.UnixEpoch);

    private static Dictionary<string, JsonNode?> Used(long? peak = null, long? elapsed = null, long? request = null, long? limit = null, JsonObject? retry = null)
    {
        var detail = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in new[] { ("max_rss_bytes", peak), ("elapsed_seconds", elapsed), ("req_mem_bytes", request), ("time_limit_seconds", limit) })
        {
            if (value is { } v)
            {
                detail[key] = v;
            }
        }

        if (retry is not null)
        {
            detail["retry"] = retry;
        }

        return detail;
    }

    private static JobStatusResult Sweep(params Dictionary<string, JsonNode?>[] tasks) =>
        new(Handle, JobStatus.Failed) { Sweep = new SweepStatus([.. tasks.Select((d, i) => new SweepTaskStatus(i, JobStatus.Successful) { Detail = d })]) };

    [Theory]
    [InlineData(40, 2400, "3000M")]
    [InlineData(300, 100, "375M")]
    public void A_grid_engine_job_is_sized_at_the_larger_of_its_resident_and_virtual_peaks_which_h_vmem_counts(long rssMiB, long vmemMiB, string memory)
    {
        var detail = Used(rssMiB * MiB, 60);
        detail["max_vmem_bytes"] = vmemMiB * MiB;

        var size = RightSizing.Suggest(new JobStatusResult(new JobHandle("7", "gridengine", DateTimeOffset.UnixEpoch), JobStatus.Successful) { Detail = detail });

        Assert.Equal(memory, size.Memory.ToString());
    }

    [Theory]
    [InlineData("gridengine", "2500M")]
    [InlineData("slurm", "375M")]
    public void The_recorders_address_space_peak_sizes_a_grid_engine_job_only_where_h_vmem_caps_address_space(string backend, string memory)
    {
        var detail = Used(300 * MiB, 60, 8192 * MiB);
        detail[JobDetailKeys.PeakVmemBytes] = 2000 * MiB;
        detail["max_vmem_bytes"] = 310 * MiB;

        var size = RightSizing.Suggest(new JobStatusResult(new JobHandle("7", backend, DateTimeOffset.UnixEpoch), JobStatus.Successful) { Detail = detail });

        Assert.Equal(memory, size.Memory.ToString());
        Assert.Contains(backend == "gridengine" ? "address space (which h_vmem limits)" : "the largest peak, 300M", size.Basis[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_that_fit_its_limit_is_not_asked_to_take_more_than_that_limit()
    {
        // A .NET runtime reserves nearly all the address space it is allowed: a peak near the limit says nothing of need.
        var detail = Used(200 * MiB, 60, 8192 * MiB);
        detail[JobDetailKeys.PeakVmemBytes] = 7000 * MiB;

        var size = RightSizing.Suggest(new JobStatusResult(new JobHandle("7", "gridengine", DateTimeOffset.UnixEpoch), JobStatus.Successful) { Detail = detail });

        Assert.Equal("8G", size.Memory.ToString());
        Assert.Contains("is more than the 8G it ran in without running out, so that limit again", size.Basis[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_task_is_not_given_less_memory_than_it_failed_with()
    {
        var tasks = new[] { Used(100 * MiB, 30, 4096 * MiB), Used(120 * MiB, 30, 4096 * MiB) };
        var status = new JobStatusResult(Handle, JobStatus.Failed)
        {
            Sweep = new SweepStatus([new SweepTaskStatus(0, JobStatus.Successful) { Detail = tasks[0] }, new SweepTaskStatus(1, JobStatus.Failed) { Detail = tasks[1] }]),
        };

        var size = RightSizing.Suggest(status);
        var fine = RightSizing.Suggest(Sweep(tasks));

        Assert.Equal("4G", size.Memory.ToString());
        Assert.Contains("a failed task is not given less memory than it failed with", size.Basis[0], StringComparison.Ordinal);
        Assert.Equal("150M", fine.Memory.ToString());
    }

    [Theory]
    [InlineData(200, 100, "250M", "0-00:03:00")]
    [InlineData(1000, 3600, "1250M", "0-01:15:00")]
    [InlineData(1, 1, "64M", "0-00:01:00")]
    [InlineData(4096, 48, "5G", "0-00:01:00")]
    public void A_job_is_sized_at_its_peak_and_run_times_one_and_a_quarter_rounded_up(long peakMiB, long seconds, string memory, string time)
    {
        var size = RightSizing.Suggest(new JobStatusResult(Handle, JobStatus.Successful) { Detail = Used(peakMiB * MiB, seconds, 8192 * MiB) });

        Assert.Equal(memory, size.Memory.ToString());
        Assert.Equal(time, size.Time.ToString());
        Assert.Equal($"--memory {memory} --time {time}", size.ToString());
        Assert.Equal(2, size.Basis.Count);
        Assert.Contains("times 1.25", size.Basis[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_sweep_that_asked_for_8G_and_used_200M_is_sized_down_from_its_largest_task()
    {
        var size = RightSizing.Suggest(Sweep(Used(150 * MiB, 20, 8192 * MiB), Used(200 * MiB, 40, 8192 * MiB), Used(elapsed: 5)));

        Assert.Equal("250M", size.Memory.ToString());
        Assert.Equal("0-00:01:00", size.Time.ToString());
    }

    [Fact]
    public void A_task_killed_over_its_memory_asks_for_twice_its_limit_as_its_peak_is_only_a_lower_bound()
    {
        var killed = Used(210 * MiB, 3, 200 * MiB, retry: new JsonObject { ["memory"] = "256M" });

        var size = RightSizing.Suggest(Sweep(Used(50 * MiB, 2, 200 * MiB), killed, killed));

        Assert.Equal("400M", size.Memory.ToString());
        Assert.Contains("2 tasks ran out of memory", size.Basis[0], StringComparison.Ordinal);
        Assert.Contains("lower bound", size.Basis[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_peak_far_over_twice_the_limit_still_wins_and_without_a_limit_the_advice_is_taken()
    {
        var over = RightSizing.Suggest(new JobStatusResult(Handle, JobStatus.Failed) { Detail = Used(1000 * MiB, 3, 100 * MiB, retry: new JsonObject { ["memory"] = "1G" }) });
        var noLimit = RightSizing.Suggest(new JobStatusResult(Handle, JobStatus.Failed) { Detail = Used(100 * MiB, 3, retry: new JsonObject { ["memory"] = "1G" }) });

        Assert.Equal("1250M", over.Memory.ToString());
        Assert.Equal("1G", noLimit.Memory.ToString());
    }

    [Fact]
    public void A_job_out_of_time_asks_for_twice_its_limit()
    {
        var size = RightSizing.Suggest(new JobStatusResult(Handle, JobStatus.Failed) { Detail = Used(elapsed: 78, limit: 60, retry: new JsonObject { ["time"] = "0-00:02:00" }) });

        Assert.Equal("0-00:02:00", size.Time.ToString());
        Assert.Null(size.Memory);
        Assert.Contains("ran out of time", Assert.Single(size.Basis), StringComparison.Ordinal);
    }

    [Fact]
    public void A_shell_jobs_peak_counts_as_its_peak()
    {
        var detail = new Dictionary<string, JsonNode?> { ["peak_rss_bytes"] = 100 * MiB, ["elapsed_seconds"] = 0.013 };

        var size = RightSizing.Suggest(new JobStatusResult(Handle, JobStatus.Successful) { Detail = detail });

        Assert.Equal("125M", size.Memory.ToString());
        Assert.Equal("0-00:01:00", size.Time.ToString());
    }

    [Fact]
    public void A_job_without_usage_figures_gets_nothing_and_the_reason()
    {
        var detail = new Dictionary<string, JsonNode?> { ["state"] = "COMPLETED", ["max_rss_bytes"] = "lots", ["elapsed_seconds"] = 0 };

        var size = RightSizing.Suggest(new JobStatusResult(Handle, JobStatus.Successful) { Detail = detail });

        Assert.True(size.IsEmpty);
        Assert.Equal(string.Empty, size.ToString());
        Assert.Equal("slurm-42 has no usage figures to size from (no peak memory and no run time: accounting kept none, or no task ran)", Assert.Single(size.Basis));
        Assert.Equal(new JobLimits(), size.ToLimits());
    }
}
