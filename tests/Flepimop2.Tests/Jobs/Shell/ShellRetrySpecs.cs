using System.Diagnostics;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Store;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>Submitting a recorded job again, on the shell runner with real processes.</summary>
public sealed class ShellRetrySpecs : IDisposable
{
    /// <summary><c>step.sh COMMAND-NAME OUT FAILING...</c>: appends "index count" to OUT, fails (3) when its index is listed and OUT.fix is absent.</summary>
    private const string StepScript = """
        #!/bin/bash
        out=$2
        shift 2
        printf '%s %s\n' "${FLEPIMOP2_TASK_INDEX-none}" "${FLEPIMOP2_TASK_COUNT-none}" >>"$out"
        [[ -e $out.fix ]] && exit 0
        for failing in "$@"; do [[ $failing == "${FLEPIMOP2_TASK_INDEX-none}" ]] && exit 3; done
        exit 0
        """;

    private readonly TempDirectory _temp = new();

    public ShellRetrySpecs()
    {
        File.WriteAllText(Script, StepScript.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string Script => _temp.Combine("step.sh");

    private string Out => _temp.Combine("out");

    [Fact]
    public async Task A_failed_job_is_submitted_again_with_its_recorded_command_and_the_new_handle_says_what_it_retries()
    {
        var runner = Runner();
        var first = Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand(Out, "none")));
        var failed = await Finished(runner, first);
        File.WriteAllText(Out + ".fix", string.Empty);

        var request = await runner.RetryRequestAsync(first);
        var second = Assert.IsType<JobHandle>(await runner.SubmitAsync(request));
        var last = await Finished(runner, second);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(first.Key, second.RetryOf);
        Assert.Equal(first.RecordedCommand, second.RecordedCommand);
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal(["none none", "none none"], File.ReadAllLines(Out));
        Assert.Contains($"retry of: {first.Key}", last.DetailLines());
    }

    [Fact]
    public async Task Retrying_only_the_failed_tasks_of_a_sweep_keeps_their_indices_and_the_sweeps_size()
    {
        var runner = Runner();
        var sweep = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep([.. Enumerable.Range(0, 6).Select(_ => new DummyCommand(Out, "1", "4"))])));
        var first = await Finished(runner, sweep);
        File.WriteAllText(Out + ".fix", string.Empty);
        File.Delete(Out);

        var request = await runner.RetryRequestAsync(sweep, failedTasksOnly: true);
        var retry = Assert.IsType<JobHandle>(await runner.SubmitAsync(request));
        var last = await Finished(runner, retry);

        Assert.Equal([1, 4], first.Sweep!.FailedIndices);
        Assert.Equal([1, 4], request.TaskIndices);
        Assert.Equal(6, request.TaskCount);
        Assert.Equal(["1 6", "4 6"], File.ReadAllLines(Out).Order(StringComparer.Ordinal));
        Assert.Equal([1, 4], last.Sweep!.Tasks.Select(t => t.Index));
        Assert.Equal([1, 4], retry.SweepTaskIndices);
        Assert.Equal(JobStatus.Successful, last.Status);
        var one = await runner.TaskStatusAsync(retry, 4);
        Assert.Equal(JobStatus.Successful, one.Status);
        Assert.Equal("4", one.Detail["task"]!.ToJsonString());
        Assert.Single(runner.GetTaskLogFiles(retry, 1));
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => runner.GetTaskLogFiles(retry, 0));
        Assert.StartsWith($"{retry.Key} has tasks 1, 4", outside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrying_a_whole_sweep_runs_every_task_again_from_its_task_table()
    {
        var runner = Runner();
        var sweep = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep([.. Enumerable.Range(0, 3).Select(_ => new DummyCommand(Out))], maxParallel: 2)));
        await Finished(runner, sweep);

        var request = await runner.RetryRequestAsync(sweep);
        var retry = Assert.IsType<JobHandle>(await runner.SubmitAsync(request));
        await Finished(runner, retry);

        Assert.Null(request.TaskIndices);
        Assert.Equal(2, request.MaxParallel);
        Assert.Equal(["0 3", "0 3", "1 3", "1 3", "2 3", "2 3"], File.ReadAllLines(Out).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_sweep_without_failed_tasks_or_a_job_without_a_recorded_command_cannot_be_retried_and_says_why()
    {
        var runner = Runner();
        var sweep = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep([new DummyCommand(Out), new DummyCommand(Out)])));
        await Finished(runner, sweep);
        var original = new JobHandle("4242", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "blocking", ["returncode"] = 1 } };

        var noneFailed = await Assert.ThrowsAsync<Flepimop2Exception>(() => runner.RetryRequestAsync(sweep, failedTasksOnly: true));
        var noCommand = await Assert.ThrowsAsync<Flepimop2Exception>(() => runner.RetryRequestAsync(original));

        Assert.Equal($"{sweep.Key} has no failed tasks (successful: tasks=2 successful=2)", noneFailed.Message);
        Assert.Equal(
            "shell-4242 keeps no record of its command (it was submitted by the original flepimop2 or an older version); submit it again with 'flepimop2 job process'",
            noCommand.Message);
    }

    [Fact]
    public void The_store_marks_the_job_tried_again_atomically_and_status_lines_show_both_ways()
    {
        var store = new JobStore(_temp.Combine("store"));
        var old = new JobHandle("11", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "blocking", ["returncode"] = 1 } };
        store.Save(old, new JsonObject { ["module"] = "flepimop2.job.shell" });

        var marked = store.SetMetadata(old.Key, "retried_as", "shell-12");

        Assert.Equal("shell-12", marked.Handle.RetriedAs);
        Assert.Equal("shell-12", store.Find(old.Key).Handle.RetriedAs);
        Assert.Equal("1", store.Find(old.Key).Handle.MetadataText("returncode"));
        Assert.Contains("retried as: shell-12", new JobStatusResult(store.Find(old.Key).Handle, JobStatus.Failed).DetailLines());
        Assert.Empty(Directory.GetFiles(store.HandlesDirectory, "*.tmp*"));
        Assert.Throws<JobNotFoundException>(() => store.SetMetadata("shell-404", "retried_as", "x"));
    }

    public void Dispose() => _temp.Dispose();

    private ShellJobRunner Runner() =>
        new(new ShellJobOptions { Detach = true, Executable = Script, LogDirectory = _temp.Combine("logs") });

    private static async Task<JobStatusResult> Finished(JobRunner runner, JobHandle handle)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await runner.StatusAsync(handle);
            if (result.Status.IsFinished())
            {
                return result;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{handle.Key} did not finish within 30 s: {result}");
            await Task.Delay(50);
        }
    }

}
