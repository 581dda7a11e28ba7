namespace Flepimop2.Cli.Tests;

/// <summary>
/// A job's environment is its own: a job submitted from inside a sweep's task (whose environment has
/// <c>FLEPIMOP2_TASK_INDEX</c> and <c>FLEPIMOP2_TASK_COUNT</c>) does not believe it is that task; a sweep's tasks see their own.
/// </summary>
public sealed class TaskEnvironmentSpecs : IDisposable
{
    private const string Show = "echo \"index=${FLEPIMOP2_TASK_INDEX-unset} count=${FLEPIMOP2_TASK_COUNT-unset}\"";

    private static readonly Dictionary<string, string?> InsideATask = new() { ["FLEPIMOP2_TASK_INDEX"] = "7", ["FLEPIMOP2_TASK_COUNT"] = "9" };

    private readonly TempProject _project = new("jobs:\n  fg:\n    module: shell\n    detach: false\n  bg:\n    module: shell\n    detach: true\n");

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("fg")]
    [InlineData("bg")]
    public async Task An_ordinary_shell_job_submitted_from_inside_a_task_sees_no_task_variables(string entry)
    {
        var run = await CliRunner.RunAsync(_project.Path, InsideATask, "job", "run", "-j", entry, "--", "sh", "-c", Show);
        Assert.True(run.ExitCode == 0, run.ToString());
        var key = run.StdoutLines[^1].Split(' ')[0];
        await _project.Run("job", "wait", key);

        var logs = await _project.Run("job", "logs", key);

        Assert.Contains("index=unset count=unset", logs.Stdout + run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sweep_submitted_from_inside_a_task_gives_its_tasks_their_own()
    {
        var run = await CliRunner.RunAsync(_project.Path, InsideATask, "job", "run", "-j", "bg", "--repeat", "2", "--", "sh", "-c", Show);
        Assert.True(run.ExitCode == 0, run.ToString());
        var key = run.StdoutLines[^1].Split(' ')[0];
        await _project.Run("job", "wait", key);

        var first = await _project.Run("job", "logs", key, "--task", "1");

        Assert.Contains("index=1 count=2", first.Stdout, StringComparison.Ordinal);
    }
}
