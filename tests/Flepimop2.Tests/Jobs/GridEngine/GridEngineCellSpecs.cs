using System.Globalization;
using System.Text;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>The runner against the real Grid Engine cell of this machine (see scripts/gridengine/start-cell.sh); twins of <see cref="SlurmClusterSpecs"/>.</summary>
[Collection("gridengine")]
[Trait("Category", "GridEngine")]
public sealed class GridEngineCellSpecs(GridEngineCellFixture cell)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task I_can_submit_a_succeeding_step_and_see_it_waiting_or_running_then_successful_with_exit_code_0()
    {
        var runner = cell.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "2");

        var first = await runner.StatusAsync(handle);
        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Contains(first.Status, new[] { JobStatus.Pending, JobStatus.Running });
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal("0", Detail(last, "exit_code"));
        Assert.Equal("0", Detail(last, "failed"));
    }

    [Fact]
    public async Task I_can_submit_a_failing_step_and_see_its_exit_code()
    {
        var runner = cell.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "exit", "3");

        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("3", Detail(last, "exit_code"));
        Assert.Equal("0", Detail(last, "failed"));
    }

    [Fact]
    public async Task I_can_cancel_a_long_step_and_see_it_failed_as_killed_and_cancelling_again_is_harmless()
    {
        var runner = cell.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "300");
        await SlurmClusterFixture.WaitAsync(runner, [handle], r => r.Status == JobStatus.Running, Patience);

        await runner.CancelAsync(handle);
        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];
        await runner.CancelAsync(handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("100", Detail(last, "failed"));
        Assert.Equal("137", Detail(last, "exit_code"));
        Assert.Equal("9", Detail(last, "signal"));
    }

    [Fact]
    public async Task What_a_finished_job_used_is_read_from_the_accounting_file_with_its_peak_in_bytes()
    {
        // No h_vmem: Grid Engine makes it the job's address-space limit, which a .NET program (the dummy) cannot start under.
        var runner = cell.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "allocate", "120", "3");

        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

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
    public async Task A_step_over_its_h_rt_is_failed_as_out_of_time_with_twice_its_limit_as_advice()
    {
        var runner = cell.Runner(cell.Options with { Time = "0:5" });
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "120");

        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("37", Detail(last, "failed"));
        Assert.StartsWith("ran out of time: it reached its h_rt limit of 0:00:05", Detail(last, "reason"), StringComparison.Ordinal);
        Assert.Equal("""{"time":"0-00:00:10"}""", last.Detail["retry"]!.ToJsonString());
    }

    [Fact]
    public async Task A_program_whose_allocation_fails_at_its_h_vmem_probably_ran_out_of_memory_and_is_advised_more()
    {
        // perl (in every Debian) grows 20M at a time: under h_vmem, its address-space limit, an allocation fails and it
        // ends with "Out of memory!" and its own exit code, not a signal.
        var runner = cell.Runner(cell.Options with { Memory = "300M" });
        var grow = "my @a; for (1..100) { push @a, q(x) x (20 << 20); select(undef, undef, undef, 0.05) } print qq(done\\n)";
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["perl", "-e", grow], runsFlepimop2: false)));

        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("0", Detail(last, "failed"));
        Assert.NotEqual("0", Detail(last, "exit_code"));
        Assert.StartsWith("probably ran out of memory: it reached ", Detail(last, "reason"), StringComparison.Ordinal);
        Assert.EndsWith(" against its h_vmem limit of 300M, where an allocation fails and the program ends with its own error", Detail(last, "reason"), StringComparison.Ordinal);
        Assert.Equal("""{"memory":"512M"}""", last.Detail["retry"]!.ToJsonString());
    }

    [Fact]
    public async Task Processes_that_together_go_over_h_vmem_are_killed_and_reported_out_of_memory()
    {
        // Three processes of 100M each stay under the per-process limit; the execd sees the job's 300M+ and kills it.
        var runner = cell.Runner(cell.Options with { Memory = "300M" });
        var three = "for i in 1 2 3; do perl -e '$x = q(x) x (100 << 20); sleep 60' & done; wait";
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["/bin/sh", "-c", three], runsFlepimop2: false)));

        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("37", Detail(last, "failed"));
        Assert.Equal("137", Detail(last, "exit_code"));
        Assert.Matches(@"^ran out of memory: its processes together reached [0-9.]+M of virtual memory, over its h_vmem limit of 300M, so Grid Engine killed it \(signal 9\)$", Detail(last, "reason"));
        // The execd kills the job at the first sample over 300M, which may be before all three have grown.
        Assert.Contains(last.Detail["retry"]!.ToJsonString(), new[] { """{"memory":"512M"}""", """{"memory":"1G"}""" });
    }

    [Fact]
    public async Task The_jobs_output_goes_to_the_log_file_its_handle_names()
    {
        var runner = cell.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "echo", "hello", "from grid engine");

        await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience);

        var log = Assert.Single(runner.GetLogFiles(handle));
        Assert.Equal(Path.Combine(cell.Directory, $"gridengine-{handle.JobId}.out"), log);
        var text = await File.ReadAllTextAsync(log);
        Assert.Contains("hello from grid engine", text, StringComparison.Ordinal);
        Assert.Contains("err", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_with_spaces_quotes_dollars_backticks_semicolons_globs_and_non_ASCII_reach_the_job_exactly()
    {
        var lists = SlurmScriptSpecs.ArgvLists().SampleSeeded(25)
            .Prepend(["a b", "it's", "say \"hi\"", "$HOME", "${PATH}", "`id`", "$(id)", "x;y", "*", "?", "~", "-n", "", "é 漢字 😀", "100%", "a\\b", "#c", "#$ -N x", "$JOB_ID"])
            .ToList();
        var runner = cell.Runner();
        var files = lists.Select(_ => Path.Combine(cell.Directory, $"argv-{Guid.NewGuid():N}")).ToList();

        var handles = await Task.WhenAll(lists.Select((args, i) => SlurmClusterFixture.SubmitAsync(runner, ["argv", files[i], .. args])));
        var results = await SlurmClusterFixture.WaitFinishedAsync(runner, handles, TimeSpan.FromSeconds(120));

        Assert.All(results, r => Assert.Equal(JobStatus.Successful, r.Status));
        for (var i = 0; i < lists.Count; i++)
        {
            var received = (await File.ReadAllTextAsync(files[i], Encoding.UTF8)).Split('\0');
            Assert.Equal(lists[i], received);
        }
    }

    [Fact]
    public async Task The_status_of_many_jobs_in_one_batch_costs_one_qstat_and_matches_their_one_by_one_answers()
    {
        var processes = new RecordingProcessRunner();
        var runner = GridEngineCellFixture.Runner(cell.Options, processes);
        var handles = (await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                SlurmClusterFixture.SubmitAsync(runner, "exit", (i % 4).ToString(CultureInfo.InvariantCulture)))))
            .ToList();
        var live = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "300");
        var forgotten = new JobHandle("999999", "gridengine") { SubmittedAt = DateTimeOffset.UtcNow.AddHours(-1) };
        await SlurmClusterFixture.WaitFinishedAsync(runner, handles, TimeSpan.FromSeconds(120));
        await SlurmClusterFixture.WaitAsync(runner, [live], r => r.Status == JobStatus.Running, Patience);
        List<JobHandle> all = [.. handles, live, forgotten];

        processes.Calls.Clear();
        var batch = await runner.StatusManyAsync(all);
        var batchCalls = processes.Calls.Select(c => c[0]).ToList();
        var single = new List<JobStatusResult>();
        foreach (var handle in all)
        {
            single.Add(await runner.StatusAsync(handle));
        }

        await runner.CancelAsync(live);
        Assert.Equal(["qstat"], batchCalls);
        Assert.Equal(single.Select(r => r.Status), batch.Select(r => r.Status));
        for (var i = 0; i < handles.Count; i++)
        {
            Assert.Equal(i % 4 == 0 ? JobStatus.Successful : JobStatus.Failed, batch[i].Status);
            Assert.Equal((i % 4).ToString(CultureInfo.InvariantCulture), Detail(batch[i], "exit_code"));
        }

        Assert.Equal(JobStatus.Running, batch[^2].Status);
        Assert.Equal("r", Detail(batch[^2], "state"));
        Assert.Equal(JobStatus.FinishedUnknown, batch[^1].Status);
    }

    [Fact]
    public async Task A_qsub_rejection_is_an_error_carrying_qsubs_own_message()
    {
        var runner = cell.Runner(cell.Options with { Queue = "nope" });

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(new DummyCommand("exit", "0")));

        Assert.Contains("unknown queue \"nope\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_that_exits_100_is_left_in_error_by_grid_engine_and_reads_failed_with_the_reason_and_is_deleted()
    {
        var runner = cell.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "exit", "100");

        var inError = (await SlurmClusterFixture.WaitAsync(runner, [handle], r => r.Status.IsFinished(), Patience))[0];
        var last = (await SlurmClusterFixture.WaitAsync(runner, [handle], r => Detail(r, "source") == "accounting", Patience))[0];

        Assert.Equal(JobStatus.Failed, inError.Status);
        Assert.Contains("100", Detail(inError, "reason"), StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("100", Detail(last, "exit_code"));
        Assert.Equal("30", Detail(last, "failed"));
    }

    private static string? Detail(JobStatusResult result, string key) => JsonText.Display(result.Detail.GetValueOrDefault(key));
}
