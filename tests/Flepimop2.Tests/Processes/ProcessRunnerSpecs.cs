using System.Diagnostics;
using Flepimop2.Processes;

namespace Flepimop2.Tests.Processes;

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
    public async Task A_program_not_on_path_is_a_backend_error()
    {
        var error = await Assert.ThrowsAsync<JobBackendException>(() =>
            ProcessRunner.Instance.RunAsync(["no-such-slurm-tool-anywhere"], TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Contains("not found on PATH", error.Message, StringComparison.Ordinal);
    }
}
