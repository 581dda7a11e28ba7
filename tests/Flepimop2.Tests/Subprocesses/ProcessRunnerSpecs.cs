using System.Diagnostics;
using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Subprocesses;

/// <summary>The process layer every runner uses, with real processes.</summary>
public sealed class ProcessRunnerSpecs
{
    [Fact]
    public async Task A_command_runs_from_an_argument_list_and_its_exit_code_and_both_outputs_are_captured()
    {
        var result = await ProcessRunner.Instance.RunAsync(["sh", "-c", "printf '%s|' \"$@\"; echo err >&2; exit 3", "sh", "a b", "$HOME", "*"], TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(new ProcessResult(3, "a b|$HOME|*|", "err\n"), result);
    }

    [Fact]
    public async Task A_command_that_outlives_its_timeout_is_stopped_and_reported()
    {
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<JobBackendException>(() =>
            ProcessRunner.Instance.RunAsync(["sleep", "30"], TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains("did not answer within", error.Message, StringComparison.Ordinal);
        Assert.Equal("sleep 30", error.Command);
    }

    [Fact]
    public async Task A_stopped_command_is_reported_with_the_last_thing_it_said()
    {
        // sbatch, when the controller will take no more jobs, says so and then retries until it is stopped.
        var error = await Assert.ThrowsAsync<JobBackendException>(() =>
            new ProcessRunner(TimeProvider.System, "is the Slurm controller up?").RunAsync(
                ["sh", "-c", "echo 'sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying' >&2; exec sleep 30"],
                TimeSpan.FromMilliseconds(500),
                CancellationToken.None));

        Assert.Equal(
            "'sh' did not answer within 0.5 s and was stopped (it said: sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying); is the Slurm controller up?",
            error.Message);
    }

    [Fact]
    public async Task A_program_not_on_path_is_a_backend_error()
    {
        var error = await Assert.ThrowsAsync<JobBackendException>(() =>
            ProcessRunner.Instance.RunAsync(["no-such-slurm-tool-anywhere"], TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Contains("not found on PATH", error.Message, StringComparison.Ordinal);
    }
}
