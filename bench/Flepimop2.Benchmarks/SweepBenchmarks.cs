using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Subprocesses;
using Flepimop2.Sweeps;

namespace Flepimop2.Benchmarks;

/// <summary>
/// The local work of a 10,000-task Slurm sweep split into arrays of 1,001: the status of every task from one <c>squeue</c>
/// and one <c>sacct</c> answer (canned, as the cluster prints them: 16 running, 4,000 ended, the rest pending, as task
/// lines and ranges), and writing the task table. The scheduler calls themselves are counted by bench/sweeps.sh.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private const int Tasks = 10_000;
    private const int ArraySize = 1001;
    private readonly SlurmJobRunner _runner;
    private readonly JobHandle _sweep;
    private readonly List<IReadOnlyList<string>> _table;
    private string? _tablePath;

    public SweepBenchmarks()
    {
        var arrays = BatchUnit.Plan(Tasks, ArraySize).Select((p, k) => new BatchUnit((1000 + k).ToString(CultureInfo.InvariantCulture), p.First, p.Count)).ToList();
        var answers = new CannedSlurm(Squeue(arrays), Sacct(arrays));
        _runner = new SlurmJobRunner(new SlurmJobOptions(), new BatchRunnerParts(answers, TimeProvider.System, _ => "/usr/bin/true"));
        _sweep = new JobHandle(arrays[0].JobId, "slurm", DateTimeOffset.UtcNow)
        {
            Metadata = new Dictionary<string, JsonNode?>
            {
                [BatchUnit.Key] = BatchUnit.ToJson(arrays),
                [SweepInfo.Key] = new SweepInfo(Tasks, null).ToJson(),
                ["chdir"] = "/scratch/run",
            },
        };
        _table = [.. Enumerable.Range(0, Tasks).Select(i => (IReadOnlyList<string>)["/usr/local/bin/flepimop2", "process", "/home/user/project/config.yaml", $"--target=scenario-{i % 40}"])];
    }

    [Benchmark]
    public async Task<int> StatusOfTenThousandTasks()
    {
        var result = await _runner.StatusAsync(_sweep);
        return result.Sweep!.FailedIndices.Count;
    }

    [IterationSetup(Target = nameof(WriteTaskTableOfTenThousandTasks))]
    public void NewTablePath() => _tablePath = Path.Combine(Path.GetTempPath(), $"flepimop2-bench-{Guid.NewGuid():N}");

    [IterationCleanup(Target = nameof(WriteTaskTableOfTenThousandTasks))]
    public void RemoveTable()
    {
        File.Delete(_tablePath!);
        File.Delete(TaskTable.IndexPath(_tablePath!));
    }

    [Benchmark]
    public void WriteTaskTableOfTenThousandTasks() => TaskTable.Write(_tablePath!, _table);

    private static string Squeue(List<BatchUnit> arrays)
    {
        var text = new StringBuilder();
        for (var task = 4000; task < Tasks; task++)
        {
            var array = arrays.First(a => a.Holds(task));
            text.Append(SlurmJobRunner.ArrayTaskId(array.JobId, task - array.First)).Append(task < 4016 ? "|RUNNING|None|vm\n" : "|PENDING|JobArrayTaskLimit|\n");
        }

        return text.ToString();
    }

    private static string Sacct(List<BatchUnit> arrays)
    {
        var text = new StringBuilder();
        var raw = 20_000;
        for (var task = 0; task < 4016; task++)
        {
            var array = arrays.First(a => a.Holds(task));
            text.Append(SlurmJobRunner.ArrayTaskId(array.JobId, task - array.First)).Append('|').Append(raw++).Append(task >= 4000 ? "|RUNNING|0:0|00:01:00|vm\n"
                : task % 97 == 3 ? "|FAILED|2:0|00:00:40|vm\n" : "|COMPLETED|0:0|00:00:41|vm\n");
        }

        foreach (var array in arrays.Where(a => a.First + a.Count > 4016))
        {
            var from = Math.Max(4016, array.First) - array.First;
            text.Append(CultureInfo.InvariantCulture, $"{array.JobId}_[{from}-{array.Count - 1}]|{array.JobId}|PENDING|0:0|00:00:00|None assigned\n");
        }

        return text.ToString();
    }

    private sealed class CannedSlurm(string squeue, string sacct) : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(new ProcessResult(0, argv[0] == "squeue" ? squeue : argv[0] == "sacct" ? sacct : string.Empty, string.Empty));
    }
}
