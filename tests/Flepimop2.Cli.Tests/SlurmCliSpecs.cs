using System.Text.Json;
using System.Text.RegularExpressions;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 job process -j hpc</c> against the real cluster of this machine: the job runs the real
/// <c>flepimop2 process ...</c> on the compute node, and list, status, wait, cancel and logs work on it as on the shell runner.
/// </summary>
[Collection(SlurmClusterGroup.Name)]
[Trait(Needs.Trait, Needs.Slurm)]
public sealed partial class SlurmCliSpecs
{
    private const string Wait = "120";

    [GeneratedRegex(@"^slurm-\d+ submitted_at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")]
    private static partial Regex HandleLine();

    [Fact]
    public async Task A_step_submitted_to_slurm_runs_and_wait_status_list_and_logs_show_it_successful()
    {
        using var project = SlurmCluster.Project();

        var submit = await project.Run("job", "process", "-j", "hpc", "-t", "ok");
        var key = SlurmCluster.KeyOf(submit);
        var wait = await project.Run("job", "wait", key, "--timeout", Wait);
        var status = await project.Run("job", "status", key);
        var list = await project.Run("job", "list");
        var logs = await project.Run("job", "logs", key);

        Assert.Matches(HandleLine(), submit.StdoutLines[^1]);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal($"{submit.StdoutLines[^1]} status=successful", wait.StdoutLines[^1]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal($"{submit.StdoutLines[^1]} status=successful", status.StdoutLines[0]);
        Assert.Contains("  exit_code: 0", status.StdoutLines);
        Assert.Contains("  state: COMPLETED", status.StdoutLines);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal($"{submit.StdoutLines[^1]} status=successful", Assert.Single(list.StdoutLines));
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains("hello from slurm $HOME is not expanded a;b", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_on_slurm_is_one_line_with_its_counts_and_names_its_failed_tasks_their_codes_and_logs()
    {
        using var project = SlurmCluster.Project();

        var submit = await project.Run("job", "process", "-j", "hpc", "-t", "ok", "-t", "fail", "--repeat", "2", "--max-parallel", "2");
        var key = SlurmCluster.KeyOf(submit);
        var wait = await project.Run("job", "wait", key, "--timeout", Wait);
        var list = await project.Run("job", "list");
        var status = await project.Run("job", "status", key);
        var task = await project.Run("job", "status", key, "--task", "3");
        var logs = await project.Run("job", "logs", key, "--task", "1");

        Assert.Matches(HandleLine(), Assert.Single(submit.StdoutLines));
        Assert.True(wait.ExitCode == 1, wait.ToString());
        Assert.Equal($"{submit.StdoutLines[0]} status=failed tasks=4 successful=2 failed=2", Assert.Single(list.StdoutLines));
        Assert.Contains("  tasks: 4 (2 successful, 2 failed)", status.StdoutLines);
        Assert.Contains("  failed tasks: 2, 3", status.StdoutLines);
        Assert.Contains("  exit_code: 7", task.StdoutLines);
        Assert.Contains($"  job_id: {key["slurm-".Length..]}_3", task.StdoutLines);
        Assert.Contains("hello from slurm $HOME is not expanded a;b", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweeps_dry_run_on_slurm_shows_the_array_command_the_script_and_the_task_table()
    {
        using var project = SlurmCluster.Project();

        var dry = await project.Run("job", "process", "-j", "hpc", "-t", "ok", "--repeat", "3", "--max-parallel", "2", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        var script = dry.StdoutLines.Single(l => l.StartsWith("  script: ", StringComparison.Ordinal))["  script: ".Length..];
        var table = dry.StdoutLines.Single(l => l.StartsWith("  task_table: ", StringComparison.Ordinal))["  task_table: ".Length..];
        Assert.StartsWith($"would submit: sbatch --parsable --array=0-2%2 '{script}' 0", dry.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("mapfile -d '' flepimop2_argv", File.ReadAllText(script), StringComparison.Ordinal);
        Assert.Equal(3 * 40, new FileInfo(table + ".index").Length);
        Assert.False(Directory.Exists(project.StoreDirectory + "/job/handles"), "a dry run recorded a job");
    }

    [Fact]
    public async Task A_failing_step_on_slurm_makes_wait_exit_1_and_status_failed_with_its_exit_code()
    {
        using var project = SlurmCluster.Project();

        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "fail"));
        var wait = await project.Run("job", "wait", key, "--timeout", Wait);
        var status = await project.Run("job", "status", key);
        var logs = await project.Run("job", "logs", key);

        Assert.True(wait.ExitCode == 1, wait.ToString());
        Assert.EndsWith("status=failed", wait.StdoutLines[^1], StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.EndsWith("status=failed", status.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("  exit_code: 7", status.StdoutLines);
        Assert.Contains("  state: FAILED", status.StdoutLines);
        Assert.Contains("bad", logs.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task I_can_cancel_a_running_slurm_job_and_see_it_failed_as_cancelled()
    {
        using var project = SlurmCluster.Project();
        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "slow"));
        try
        {
            await SlurmCluster.WaitUntilRunningAsync(project, key);
            var running = await project.Run("job", "status", key);

            var cancel = await project.Run("job", "cancel", key);
            var wait = await project.Run("job", "wait", key, "--timeout", Wait);
            var status = await project.Run("job", "status", key);
            var again = await project.Run("job", "cancel", key);

            Assert.EndsWith("status=running", running.StdoutLines[0], StringComparison.Ordinal);
            Assert.Contains("  state: RUNNING", running.StdoutLines);
            Assert.True(cancel.ExitCode == 0, cancel.ToString());
            Assert.StartsWith($"{key} cancelled", cancel.Stdout, StringComparison.Ordinal);
            Assert.True(wait.ExitCode == 1, wait.ToString());
            Assert.EndsWith("status=failed", status.StdoutLines[0], StringComparison.Ordinal);
            Assert.Contains("  state: CANCELLED", status.StdoutLines);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("already finished", again.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await SlurmCluster.CancelQuietlyAsync([key]);
        }
    }

    [Fact]
    public async Task Several_slurm_jobs_are_waited_for_and_listed_together()
    {
        using var project = SlurmCluster.Project();
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "ok")));
        }

        var wait = await project.Run(["job", "wait", .. keys, "--timeout", Wait]);
        var list = await project.Run("job", "list", "--status", "successful");

        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Equal(keys, wait.StdoutLines.Select(l => l.Split(' ')[0]));
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(keys, list.StdoutLines.Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public async Task Json_status_and_list_of_a_slurm_job_use_the_field_names_of_the_files()
    {
        using var project = SlurmCluster.Project();
        var key = SlurmCluster.KeyOf(await project.Run("job", "process", "-j", "hpc", "-t", "fail"));
        await project.Run("job", "wait", key, "--timeout", Wait);

        var status = await project.Run("job", "status", key, "--json");
        var list = await project.Run("job", "list", "--json");

        Assert.True(status.ExitCode == 0, status.ToString());
        var result = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.Equal("slurm", result.GetProperty("backend").GetString());
        Assert.Equal(key, $"slurm-{result.GetProperty("job_id").GetString()}");
        Assert.EndsWith("Z", result.GetProperty("submitted_at").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", result.GetProperty("status").GetString());
        Assert.Equal("FAILED", result.GetProperty("detail").GetProperty("state").GetString());
        Assert.Equal(7, result.GetProperty("detail").GetProperty("exit_code").GetInt32());
        Assert.Equal(project.Combine($"{key}.out"), result.GetProperty("metadata").GetProperty("output").GetString());
        Assert.True(list.ExitCode == 0, list.ToString());
        var entry = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray());
        Assert.Equal(key, entry.GetProperty("key").GetString());
        Assert.Equal("slurm", entry.GetProperty("backend").GetString());
        Assert.Equal("failed", entry.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_slurm_dry_run_prints_the_sbatch_command_writes_the_script_and_records_nothing()
    {
        using var project = SlurmCluster.Project();

        var dry = await project.Run("job", "process", "-j", "hpc", "-t", "ok", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        var script = Assert.Single(dry.StdoutLines, l => l.StartsWith("  script: ", StringComparison.Ordinal))["  script: ".Length..];
        Assert.Equal($"would submit: sbatch --parsable '{script}'", dry.StdoutLines[0]);
        Assert.Equal(project.Combine("scripts"), Path.GetDirectoryName(Path.GetDirectoryName(script)));
        Assert.Contains($"  chdir: {project.Path}", dry.StdoutLines);
        Assert.Contains("  job_name: flepimop2:process:config:ok", dry.StdoutLines);
        var text = await File.ReadAllTextAsync(script);
        Assert.Contains("#SBATCH --mem=200M", text, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --time=0-00:05:00", text, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --job-name=flepimop2:process:config:ok", text, StringComparison.Ordinal);
        Assert.Contains($"{CliRunner.Executable} process '{project.Combine("config.yaml")}' --target=ok", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.StoreDirectory));
    }
}
