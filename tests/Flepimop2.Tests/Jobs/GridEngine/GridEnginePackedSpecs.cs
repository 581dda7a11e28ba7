using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>A packed sweep on the Grid Engine runner, as its dry run shows it: its slots as the array's tasks, the per-task time limit multiplied.</summary>
public sealed class GridEnginePackedSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1, "1-7", "h_rt=0:10:00")]
    [InlineData(3, "1-3", "h_rt=0:30:00")]
    [InlineData(50, "1-1", "h_rt=1:10:00")]
    public async Task A_packed_sweep_asks_for_its_slots_as_array_tasks_and_a_time_limit_for_each_slots_tasks(int tasksPerJob, string range, string limit)
    {
        var runner = GridEngineRunners.Create(new RunnerSettings
        {
            Directory = _temp.Path,
            Tools = new CannedTools(_ => CannedTools.Error(1, "no tool is called in a dry run\n")),
            FindTool = tool => "/usr/bin/" + tool,
            Time = "00:10:00",
        });
        var tasks = Enumerable.Range(0, 7).Select(i => (CliCommand)new DummyCommand("task", $"{i}")).ToList();

        var dry = Assert.IsType<JobDryRun>(await runner.SubmitAsync(JobRequest.Sweep(tasks, maxParallel: 2) with { TasksPerJob = tasksPerJob, DryRun = true }));

        Assert.Contains($" -l {limit} ", dry.Command, StringComparison.Ordinal);
        Assert.Contains($" -t {range} -tc 2 ", dry.Command, StringComparison.Ordinal);
        Assert.Equal(tasksPerJob > 1 ? $"{Math.Min(tasksPerJob, 7)}" : null, dry.Details.GetValueOrDefault("tasks_per_job"));
    }
}
