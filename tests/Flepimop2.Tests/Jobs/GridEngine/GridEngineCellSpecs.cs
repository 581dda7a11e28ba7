using System.Globalization;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>
/// What only Grid Engine does, on the real cell of this machine (scripts/gridengine/start-cell.sh): its accounting figures,
/// h_vmem, and exit status 100. What every scheduler does is in the contract (<see cref="Contract.GridEngineCellContract"/>).
/// </summary>
[Collection("gridengine")]
[Trait(Needs.Trait, Needs.GridEngine)]
public sealed class GridEngineCellSpecs(GridEngineCellFixture cell)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task What_a_finished_job_used_is_read_from_the_accounting_file_with_its_peak_in_bytes()
    {
        // No h_vmem: Grid Engine makes it the job's address-space limit, which a .NET program (the dummy) cannot start under.
        var runner = cell.Runner();
        var handle = await RunnerSteps.SubmitAsync(runner, "allocate", "120", "3");

        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience))[0];

        // The accounting line of the job, read here on its own: field 17 is ru_maxrss in KiB, 14 ru_wallclock in seconds.
        var line = File.ReadLines(runner.AccountingFile).Select(l => l.Split(':')).Last(f => f.Length > 40 && f[5] == handle.JobId);
        var peak = (long)(double.Parse(line[16], CultureInfo.InvariantCulture) * 1024);
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal(peak, last.Detail["max_rss_bytes"]!.GetValue<long>());
        Assert.InRange(peak, 120L * 1024 * 1024, 1024L * 1024 * 1024);
        Assert.False(last.Detail.ContainsKey("req_mem_bytes"));
        Assert.Equal((long)double.Parse(line[13], CultureInfo.InvariantCulture), last.Detail["elapsed_seconds"]!.GetValue<long>());
        Assert.InRange(last.Detail["cpu_efficiency"]!.GetValue<double>(), 0, 1.5);
    }

    [Fact]
    public async Task A_program_whose_allocation_fails_at_its_h_vmem_probably_ran_out_of_memory_and_is_advised_more()
    {
        // perl (in every Debian) grows 20M at a time: under h_vmem, its address-space limit, an allocation fails and it
        // ends with "Out of memory!" and its own exit code, not a signal.
        var runner = cell.Runner(s => s with { Memory = "300M" });
        var grow = "my @a; for (1..100) { push @a, q(x) x (20 << 20); select(undef, undef, undef, 0.05) } print qq(done\\n)";
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["perl", "-e", grow], runsFlepimop2: false)));

        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("0", Detail(last, "failed"));
        Assert.NotEqual("0", Detail(last, "exit_code"));
        Assert.StartsWith("probably ran out of memory: it reached ", Detail(last, "reason"), StringComparison.Ordinal);
        Assert.EndsWith(" against its h_vmem limit of 300M, where an allocation fails and the program ends with its own error", Detail(last, "reason"), StringComparison.Ordinal);
        Assert.Equal("""{"memory":"512M"}""", last.Detail["retry"]!.ToJsonString());
    }

    [Fact]
    public async Task A_single_allocation_over_h_vmem_refused_at_a_low_peak_says_it_may_have_hit_the_limit()
    {
        // One string of 2G under 300M of address space: perl's allocation is refused whole, and it ends with its own error
        // while its peak stays a few megabytes.
        var runner = cell.Runner(s => s with { Memory = "300M" });
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["perl", "-e", "my $x = q(x) x (2000 << 20); print length($x)"], runsFlepimop2: false)));

        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("0", Detail(last, "failed"));
        Assert.StartsWith("it may have hit its h_vmem limit of 300M: that limits each process's address space", Detail(last, "reason"), StringComparison.Ordinal);
        Assert.False(last.Detail.ContainsKey("retry"));
    }

    [Fact]
    public async Task Processes_that_together_go_over_h_vmem_are_killed_and_reported_out_of_memory()
    {
        // Three processes of 100M each stay under the per-process limit; the execd sees the job's 300M+ and kills it.
        var runner = cell.Runner(s => s with { Memory = "300M" });
        var three = "for i in 1 2 3; do perl -e '$x = q(x) x (100 << 20); sleep 60' & done; wait";
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["/bin/sh", "-c", three], runsFlepimop2: false)));

        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("37", Detail(last, "failed"));
        Assert.Equal("137", Detail(last, "exit_code"));
        Assert.Matches(@"^ran out of memory: its processes together reached [0-9.]+M of virtual memory, over its h_vmem limit of 300M, so Grid Engine killed it \(signal 9\)$", Detail(last, "reason"));
        // The execd kills the job at the first sample over 300M, which may be before all three have grown.
        Assert.Contains(last.Detail["retry"]!.ToJsonString(), new[] { """{"memory":"512M"}""", """{"memory":"1G"}""" });
    }

    [Fact]
    public async Task A_job_that_exits_100_is_left_in_error_by_grid_engine_and_reads_failed_with_the_reason_and_is_deleted()
    {
        var runner = cell.Runner();
        var handle = await RunnerSteps.SubmitAsync(runner, "exit", "100");

        var inError = (await RunnerSteps.WaitAsync(runner, [handle], r => r.Status.IsFinished(), Patience))[0];
        var last = (await RunnerSteps.WaitAsync(runner, [handle], r => Detail(r, "source") == "accounting", Patience))[0];

        Assert.Equal(JobStatus.Failed, inError.Status);
        Assert.Contains("100", Detail(inError, "reason"), StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("100", Detail(last, "exit_code"));
        Assert.Equal("30", Detail(last, "failed"));
    }

    private static string? Detail(JobStatusResult result, string key) => JsonText.Display(result.Detail.GetValueOrDefault(key));
}
