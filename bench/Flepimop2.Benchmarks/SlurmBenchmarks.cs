using System.Text;
using BenchmarkDotNet.Attributes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Benchmarks;

/// <summary>
/// The Slurm runner's local work for a batch of 1,000 jobs: parsing one <c>squeue</c> and one <c>sacct</c> answer and
/// resolving each job's status, and rendering one batch script. The scheduler calls themselves are counted by bench/slurm-calls.sh.
/// </summary>
[MemoryDiagnoser]
public class SlurmBenchmarks
{
    private const int Jobs = 1000;
    private readonly string _squeue = BuildSqueue();
    private readonly string _sacct = BuildSacct();
    private readonly JobHandle[] _handles = [.. Enumerable.Range(1, Jobs).Select(i => new JobHandle(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "slurm", DateTimeOffset.UtcNow))];
    private readonly SlurmJobRunner _runner = new(new SlurmJobOptions { Memory = MemoryRequest.Parse("4G"), Time = WallTime.Parse("1-00:00:00"), CpusPerTask = 2, PreCommands = ["module load R"] });
    private readonly ProcessCommand _command = new("/home/user/my project/config.yaml") { ProcessTarget = "sim $1 'a'", Verbosity = 1 };

    [Benchmark]
    public int StatusOfAThousandJobs()
    {
        var queued = SqueueParser.Parse(_squeue);
        var accounted = SacctParser.Parse(_sacct);
        var context = new SlurmStatusContext(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), null);
        var finished = 0;
        foreach (var handle in _handles)
        {
            var result = SlurmStatusResolver.Resolve(handle, queued.GetValueOrDefault(handle.JobId), accounted.GetValueOrDefault(handle.JobId), context);
            finished += result.Status.IsFinished() ? 1 : 0;
        }

        return finished;
    }

    [Benchmark]
    public int RenderBatchScript() =>
        _runner.RenderScript(new JobRequest(_command), ["/usr/local/bin/flepimop2"], "/home/user/my project").Text.Length;

    private static string BuildSqueue()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= Jobs / 2; i++)
        {
            text.Append(i).Append(i % 2 == 0 ? "|RUNNING|None|vm\n" : "|PENDING|Resources|\n");
        }

        return text.ToString();
    }

    private static string BuildSacct()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= Jobs; i++)
        {
            text.Append(i).Append('|').Append(i).Append(i <= Jobs / 2 ? "|RUNNING|0:0|00:01:00|vm\n" : i % 3 == 0 ? "|FAILED|7:0|00:00:03|vm\n" : "|COMPLETED|0:0|00:00:02|vm\n");
        }

        return text.ToString();
    }
}
