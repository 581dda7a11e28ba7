using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Tests.Support;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>The runner against the real Slurm cluster of this machine (see scripts/slurm/start-cluster.sh).</summary>
[Collection("slurm")]
[Trait("Category", "Slurm")]
public sealed class SlurmClusterSpecs(SlurmClusterFixture cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task I_can_submit_a_succeeding_step_and_see_it_waiting_or_running_then_successful_with_exit_code_0()
    {
        var runner = cluster.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "2");

        var first = await runner.StatusAsync(handle);
        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Contains(first.Status, new[] { JobStatus.Pending, JobStatus.Running });
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal("COMPLETED", Detail(last, "state"));
        Assert.Equal("0", Detail(last, "exit_code"));
    }

    [Fact]
    public async Task I_can_submit_a_failing_step_and_see_its_exit_code()
    {
        var runner = cluster.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "exit", "3");

        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("FAILED", Detail(last, "state"));
        Assert.Equal("3", Detail(last, "exit_code"));
    }

    [Fact]
    public async Task I_can_cancel_a_long_step_and_see_it_failed_as_cancelled_and_cancelling_again_is_harmless()
    {
        var runner = cluster.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "300");
        await SlurmClusterFixture.WaitAsync(runner, [handle], r => r.Status == JobStatus.Running, Patience);

        await runner.CancelAsync(handle);
        var last = (await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience))[0];
        await runner.CancelAsync(handle);

        Assert.Equal(JobStatus.Failed, last.Status);
        Assert.Equal("CANCELLED", Detail(last, "state"));
    }

    [Fact]
    public async Task The_jobs_output_goes_to_the_log_file_its_handle_names()
    {
        var runner = cluster.Runner();
        var handle = await SlurmClusterFixture.SubmitAsync(runner, "echo", "hello", "from slurm");

        await SlurmClusterFixture.WaitFinishedAsync(runner, [handle], Patience);

        var log = Assert.Single(runner.GetLogFiles(handle));
        Assert.Equal(Path.Combine(cluster.Directory, $"slurm-{handle.JobId}.out"), log);
        var text = await File.ReadAllTextAsync(log);
        Assert.Contains("hello from slurm", text, StringComparison.Ordinal);
        Assert.Contains("err", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_with_spaces_quotes_dollars_backticks_semicolons_globs_and_non_ASCII_reach_the_job_exactly()
    {
        // One batch of random argument lists, submitted together and compared once all have run.
        var lists = SlurmScriptSpecs.ArgvLists().SampleSeeded(25)
            .Prepend(["a b", "it's", "say \"hi\"", "$HOME", "${PATH}", "`id`", "$(id)", "x;y", "*", "?", "~", "-n", "", "é 漢字 😀", "100%", "a\\b", "#c"])
            .ToList();
        var runner = cluster.Runner();
        var files = lists.Select(_ => Path.Combine(cluster.Directory, $"argv-{Guid.NewGuid():N}")).ToList();

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
    public async Task The_status_of_fifty_jobs_in_one_batch_costs_two_calls_and_matches_their_one_by_one_answers()
    {
        var processes = new RecordingProcessRunner();
        var runner = SlurmClusterFixture.Runner(cluster.Options, processes);
        var handles = (await Task.WhenAll(Enumerable.Range(0, 54).Select(i =>
                SlurmClusterFixture.SubmitAsync(runner, "exit", (i % 4).ToString(CultureInfo.InvariantCulture)))))
            .ToList();
        var live = await SlurmClusterFixture.SubmitAsync(runner, "sleep", "300");
        var forgotten = new JobHandle("999999", "slurm") { SubmittedAt = DateTimeOffset.UtcNow.AddHours(-1) };
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
        Assert.Equal(["squeue", "sacct"], batchCalls);
        Assert.Equal(single.Select(r => r.Status), batch.Select(r => r.Status));
        for (var i = 0; i < handles.Count; i++)
        {
            Assert.Equal(i % 4 == 0 ? JobStatus.Successful : JobStatus.Failed, batch[i].Status);
            Assert.Equal((i % 4).ToString(CultureInfo.InvariantCulture), Detail(batch[i], "exit_code"));
            Assert.True(JsonNode.DeepEquals(AsJson(batch[i]), AsJson(single[i])), $"{SlurmClusterFixture.Describe(batch[i])} vs {SlurmClusterFixture.Describe(single[i])}");
        }

        Assert.Equal(JobStatus.Running, batch[^2].Status);
        Assert.Equal("RUNNING", Detail(batch[^2], "state"));
        Assert.Equal(JobStatus.FinishedUnknown, batch[^1].Status);
        Assert.True(JsonNode.DeepEquals(AsJson(batch[^1]), AsJson(single[^1])));
    }

    [Fact]
    public async Task An_sbatch_rejection_is_an_error_carrying_sbatchs_own_message()
    {
        var runner = cluster.Runner(cluster.Options with { SbatchOptions = new Dictionary<string, string?> { ["partition"] = "nope" } });

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.SubmitAsync(new Support.DummyCommand("exit", "0")));

        Assert.Contains("invalid partition specified: nope", error.Message, StringComparison.Ordinal);
    }

    private static string? Detail(JobStatusResult result, string key) => JsonText.Display(result.Detail.GetValueOrDefault(key));

    private static JsonObject AsJson(JobStatusResult result) =>
        new(result.Detail.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())).Append(KeyValuePair.Create("status", (JsonNode?)result.Status.ToWireName())));
}
