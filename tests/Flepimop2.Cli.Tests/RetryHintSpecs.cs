using System.Text.Json;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The line <c>job status</c> adds for a Slurm job that ran out of memory or time, without a cluster: <c>sbatch</c>,
/// <c>squeue</c>, <c>sacct</c> and <c>scancel</c> are small scripts on PATH that print what the test cluster printed for such
/// jobs (see SlurmUsageSpecs in the library's tests).
/// </summary>
public sealed class RetryHintSpecs
{
    private const string Config = """
        jobs:
          hpc: {module: slurm, memory: 100M, time: "1"}
        process:
          ok: {module: shell, command: "true"}
        """;

    [Fact]
    public async Task A_job_killed_over_its_memory_gets_a_hint_with_the_memory_to_ask_for()
    {
        const string Sacct =
            "8016|8016|FAILED|0:9|00:00:02|vm||100M|00:00.001|1|UNLIMITED\n" +
            "8016.batch|8016.batch|CANCELLED by 0|0:9|00:00:02|vm|322180K||00:00.001|1|\n";
        using var project = new TempProject(Config);
        var path = Tools(project, "8016", Sacct);

        var status = await Submitted(project, path, "8016");

        Assert.Equal(
            [
                "  state: FAILED",
                "  exit_code: 0",
                "  signal: 9",
                "  elapsed: 00:00:02",
                "  elapsed_seconds: 2",
                "  time_limit: UNLIMITED",
                "  alloc_cpus: 1",
                "  req_mem_bytes: 104857600",
                "  max_rss_bytes: 329912320",
                "  mem_efficiency: 3.1463",
                "  cpu_efficiency: 0.0005",
                "  nodes: vm",
                "  reason: ran out of memory: its peak of 314.6M went over its limit of 100M, so Slurm killed it (signal 9)",
                "  retry: {\"memory\":\"512M\"}",
                "  source: sacct",
                $"  command: flepimop2 process '{project.Combine("config.yaml")}' --target=ok",
                "hint: flepimop2 job retry slurm-8016 --memory 512M",
            ],
            status.StdoutLines[1..]);
    }

    [Fact]
    public async Task A_timed_out_job_gets_a_hint_with_twice_its_time_and_json_has_the_advice_but_no_hint()
    {
        const string Sacct =
            "8044|8044|TIMEOUT|0:0|00:01:12|vm||50M|00:00.001|1|00:01:00\n" +
            "8044.batch|8044.batch|CANCELLED|0:15|00:01:12|vm|3192K||00:00.001|1|\n";
        using var project = new TempProject(Config);
        var path = Tools(project, "8044", Sacct);

        var status = await Submitted(project, path, "8044");
        var json = await CliRunner.RunAsync(project.Path, path, "job", "status", "slurm-8044", "--json");

        Assert.Equal("hint: flepimop2 job retry slurm-8044 --time 0-00:02:00", status.StdoutLines[^1]);
        Assert.Contains("  reason: ran out of time: it reached its time limit of 00:01:00", status.StdoutLines);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var detail = document.RootElement.GetProperty("detail");
        Assert.Equal("0-00:02:00", detail.GetProperty("retry").GetProperty("time").GetString());
        Assert.Equal(60, detail.GetProperty("time_limit_seconds").GetInt64());
        Assert.Equal(JsonValueKind.Number, detail.GetProperty("mem_efficiency").ValueKind);
        Assert.DoesNotContain("hint:", json.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_that_simply_failed_gets_no_hint()
    {
        const string Sacct =
            "2|2|FAILED|7:0|00:00:01|vm||100M|00:00.002|1|00:01:00\n" +
            "2.batch|2.batch|FAILED|7:0|00:00:01|vm|3128K||00:00.002|1|\n";
        using var project = new TempProject(Config);
        var path = Tools(project, "2", Sacct);

        var status = await Submitted(project, path, "2");

        Assert.Equal("  source: sacct", status.StdoutLines[^2]);
        Assert.StartsWith("  command: flepimop2 process ", status.StdoutLines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(status.StdoutLines, l => l.StartsWith("hint:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sweep_whose_tasks_ran_out_gets_its_failed_tasks_with_the_most_any_task_was_advised()
    {
        // Task 1 went over 100M at 314.6M (advice 512M), task 2 at 700.0M (1G), task 3 reached its one-minute limit (2 minutes).
        const string Sacct =
            "9000_0|9001|COMPLETED|0:0|00:00:02|vm||100M|00:00.001|1|00:01:00\n" +
            "9000_1|9002|FAILED|0:9|00:00:02|vm||100M|00:00.001|1|00:01:00\n" +
            "9000_1.batch|9002.batch|CANCELLED by 0|0:9|00:00:02|vm|322180K||00:00.001|1|\n" +
            "9000_2|9003|FAILED|0:9|00:00:02|vm||100M|00:00.001|1|00:01:00\n" +
            "9000_2.batch|9003.batch|CANCELLED by 0|0:9|00:00:02|vm|716800K||00:00.001|1|\n" +
            "9000_3|9004|TIMEOUT|0:0|00:01:05|vm||100M|00:00.001|1|00:01:00\n" +
            "9000_4|9005|FAILED|3:0|00:00:01|vm||100M|00:00.001|1|00:01:00\n";
        using var project = new TempProject(Config);
        var path = Tools(project, "9000", Sacct);

        var submitted = await CliRunner.RunAsync(project.Path, path, "job", "run", "-j", "hpc", "--repeat", "5", "--", "true");
        var status = await CliRunner.RunAsync(project.Path, path, "job", "status", "slurm-9000");

        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Contains("  failed tasks: 1, 2, 3, 4", status.StdoutLines);
        Assert.Equal("hint: flepimop2 job retry slurm-9000 --failed-tasks --memory 1G --time 0-00:02:00", status.StdoutLines[^1]);
    }

    private static async Task<CliResult> Submitted(TempProject project, Dictionary<string, string?> path, string id)
    {
        var submitted = await CliRunner.RunAsync(project.Path, path, "job", "process", "-j", "hpc", "-t", "ok");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var status = await CliRunner.RunAsync(project.Path, path, "job", "status", $"slurm-{id}");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.EndsWith("status=failed", status.StdoutLines[0], StringComparison.Ordinal);
        return status;
    }

    /// <summary>A directory of stand-in Slurm tools put first on PATH: sbatch answers <paramref name="id"/>, sacct prints <paramref name="sacct"/>.</summary>
    private static Dictionary<string, string?> Tools(TempProject project, string id, string sacct)
    {
        var bin = Directory.CreateDirectory(project.Combine("bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "sacct.out"), sacct);
        Write(bin, "sbatch", $"echo {id}");
        Write(bin, "squeue", "exit 0");
        Write(bin, "sacct", $"cat '{Path.Combine(bin, "sacct.out")}'");
        Write(bin, "scancel", "exit 0");
        Write(bin, "scontrol", "echo 'MaxArraySize            = 1001'");
        return new Dictionary<string, string?> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };
    }

    private static void Write(string bin, string tool, string body)
    {
        var file = Path.Combine(bin, tool);
        File.WriteAllText(file, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
