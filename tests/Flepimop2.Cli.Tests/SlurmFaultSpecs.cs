using System.Text.Json;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The CLI while the Slurm controller is down: slurmctld alone is stopped (slurmd, slurmdbd and the jobs go on), and always
/// started again before the test ends. Each Slurm call against a dead controller takes about 9 s and the runner retries
/// transient errors three times, so one such command takes about 45 s.
/// </summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed class SlurmFaultSpecs
{
    [Fact]
    public async Task Submitting_while_the_controller_is_down_fails_with_sbatchs_own_message_and_records_nothing()
    {
        using var project = SlurmCluster.Project();
        CliResult submit;
        await using (await SlurmCluster.StopControllerAsync())
        {
            submit = await project.Run("job", "process", "-j", "hpc", "-t", "ok");
        }

        var list = await project.Run("job", "list");

        var errors = submit.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(submit.ExitCode == 1, submit.ToString());
        Assert.Empty(submit.Stdout);
        Assert.True(errors.Length is >= 1 and <= 3, $"expected a short error, got:\n{submit.Stderr}");
        Assert.StartsWith("error: ", errors[0], StringComparison.Ordinal);
        Assert.Contains("sbatch", submit.Stderr, StringComparison.Ordinal);
        Assert.Contains("Unable to contact slurm controller", submit.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(submit);
        var handles = Path.Combine(project.StoreDirectory, "job", "handles");
        Assert.False(Directory.Exists(handles) && Directory.EnumerateFileSystemEntries(handles).Any(), $"a handle was recorded in {handles}");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Empty(list.Stdout);
    }

    [Fact]
    public async Task With_accounting_down_status_and_list_answer_from_the_controller_and_the_exit_records_and_say_so()
    {
        using var project = SlurmCluster.Project();
        var done = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "fail"));
        var slow = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "slow"));
        try
        {
            var waited = await project.Run("job", "wait", done, "--timeout", "120");
            Assert.True(waited.ExitCode is 0 or 1, waited.ToString());
            await SlurmCluster.WaitUntilRunningAsync(project, slow);
            CliResult status, list;
            await using (await SlurmCluster.StopAccountingAsync())
            {
                status = await project.Run("job", "status", done, "--json");
                list = await project.Run("job", "list", "--json");
            }

            Assert.True(status.ExitCode == 0, status.ToString());
            var result = JsonDocument.Parse(status.Stdout).RootElement;
            Assert.Equal("failed", result.GetProperty("status").GetString());
            Assert.Equal(7, result.GetProperty("detail").GetProperty("exit_code").GetInt32());
            Assert.Contains("accounting did not answer", result.GetProperty("detail").GetProperty("note").GetString(), StringComparison.Ordinal);
            Assert.Contains("exit record", result.GetProperty("detail").GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.True(list.ExitCode == 0, list.ToString());
            var listed = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ToDictionary(j => j.GetProperty("key").GetString()!, j => j.GetProperty("status").GetString());
            Assert.Equal("running", listed[slow]);
            Assert.Equal("failed", listed[done]);
        }
        finally
        {
            await project.Run("job", "cancel", slow);
        }
    }

    [Fact]
    public async Task With_the_controller_down_list_shows_slurm_jobs_unknown_with_a_warning_and_resolves_them_once_it_is_back()
    {
        using var project = SlurmCluster.Project();
        var shell = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "local", "-t", "ok"));
        var slurm = new List<string>
        {
            SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "slow")),
            SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "slow")),
            SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "ok")),
        };
        try
        {
            CliResult down, back;
            string summary;
            await using (var outage = await SlurmCluster.StopControllerAsync())
            {
                down = await project.Run("job", "list");
                summary = await File.ReadAllTextAsync(Path.Combine(project.StoreDirectory, "job", "summary.json"));
                await outage.RestartAsync();
                back = await project.Run("job", "list");
            }

            // Down: the shell job prints as usual, every Slurm job as unknown, and the warning says why.
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Equal([shell, .. slurm], down.StdoutLines.Select(l => l.Split(' ')[0]));
            Assert.EndsWith("status=successful", down.StdoutLines[0], StringComparison.Ordinal);
            Assert.All(down.StdoutLines[1..], l => Assert.EndsWith("status=unknown", l, StringComparison.Ordinal));
            var warnings = down.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(warnings.Length is >= 1 and <= 3, $"expected a short warning, got:\n{down.Stderr}");
            Assert.StartsWith("warning: ", warnings[0], StringComparison.Ordinal);
            Assert.Contains("Unable to contact slurm controller", down.Stderr, StringComparison.Ordinal);
            Assert.All(slurm, key => Assert.Contains(key, down.Stderr, StringComparison.Ordinal));
            AssertNoStackTrace(down);

            // Nothing was made up: the store still holds no status for the Slurm jobs.
            var recorded = JsonDocument.Parse(summary).RootElement.EnumerateArray()
                .ToDictionary(e => e.GetProperty("key").GetString()!, e => e.GetProperty("status"));
            Assert.All(slurm, key => Assert.Equal(JsonValueKind.Null, recorded[key].ValueKind));

            // Back: the same list resolves them again.
            Assert.True(back.ExitCode == 0, back.ToString());
            Assert.DoesNotContain("warning", back.Stderr, StringComparison.Ordinal);
            Assert.Equal([shell, .. slurm], back.StdoutLines.Select(l => l.Split(' ')[0]));
            Assert.EndsWith("status=successful", back.StdoutLines[0], StringComparison.Ordinal);
            Assert.All(back.StdoutLines[1..], l => Assert.Matches("status=(pending|running|successful)$", l));
        }
        finally
        {
            await SlurmCluster.CancelQuietlyAsync(slurm);
        }
    }

    private static void AssertNoStackTrace(CliResult result)
    {
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }
}
