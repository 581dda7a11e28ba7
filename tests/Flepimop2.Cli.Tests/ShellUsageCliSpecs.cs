using System.Text.Json;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Detached shell jobs and each task of a shell sweep run under the exit recorder (<c>flepimop2 job exec</c>), so they
/// report their peak memory and CPU time as a blocking job does, and a cancelled one still has its own exit code.
/// </summary>
public sealed class ShellUsageCliSpecs : IDisposable
{
    private readonly TempProject _project = new("jobs:\n  bg:\n    module: shell\n    detach: true\n");

    public void Dispose() => _project.Dispose();

    private async Task<JsonElement> DetailAsync(string key, params string[] more)
    {
        var status = await _project.Run(["job", "status", key, "--json", .. more]);
        Assert.True(status.ExitCode is 0 or 1, status.ToString());
        return JsonDocument.Parse(status.Stdout).RootElement.GetProperty("detail");
    }

    private async Task<string> SubmitAsync(params string[] args)
    {
        var run = await _project.Run(["job", "run", "-j", "bg", .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StdoutLines[^1].Split(' ')[0];
    }

    [Fact]
    public async Task A_detached_job_reports_the_peak_memory_and_cpu_time_of_its_command()
    {
        var key = await SubmitAsync("--", CliRunner.Dummy, "process", "allocate", "120", "0.5");
        var wait = await _project.Run("job", "wait", key);

        Assert.True(wait.ExitCode == 0, wait.ToString());
        var detail = await DetailAsync(key);
        Assert.Equal(0, detail.GetProperty("returncode").GetInt32());
        Assert.InRange(detail.GetProperty("peak_rss_bytes").GetInt64(), 120L << 20, 600L << 20);
        Assert.True(detail.GetProperty("cpu_seconds").GetDouble() > 0);
    }

    [Fact]
    public async Task Each_task_of_a_detached_sweep_reports_its_own_peak_memory()
    {
        var key = await SubmitAsync("--repeat", "2", "--", CliRunner.Dummy, "process", "allocate", "80", "0.3");
        var wait = await _project.Run("job", "wait", key);

        Assert.True(wait.ExitCode == 0, wait.ToString());
        foreach (var task in new[] { "0", "1" })
        {
            var detail = await DetailAsync(key, "--task", task);
            Assert.Equal(0, detail.GetProperty("returncode").GetInt32());
            Assert.InRange(detail.GetProperty("peak_rss_bytes").GetInt64(), 80L << 20, 600L << 20);
        }
    }

    [Fact]
    public async Task A_cancelled_detached_job_under_the_recorder_ends_with_its_own_code()
    {
        var key = await SubmitAsync("--", "sh", "-c", "trap 'exit 5' TERM; while :; do sleep 0.05; done");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var cancel = await _project.Run("job", "cancel", key);
        var detail = await DetailAsync(key);

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Equal(5, detail.GetProperty("returncode").GetInt32());
    }
}
