using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// What the batch core's specs share: a Slurm runner (the batch flow through its most used scheduler) on canned tools, a
/// fake clock, a temporary working directory, and handles as the runner records them.
/// </summary>
internal sealed class BatchSpecsSetup : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 5, 26, 20, 56, 24, TimeSpan.Zero);

    public TempDirectory Temp { get; } = new();

    public FakeTimeProvider Clock { get; } = new(Start);

    public SlurmJobOptions Options => new()
    {
        Chdir = Temp.Path,
        ScriptDirectory = Temp.Combine("scripts"),
        Executable = "/opt/flepimop2",
    };

    /// <summary>sbatch gives ids 101, 102, ... (with <c>;CLUSTER</c> where <paramref name="clusters"/> names one for that call); scontrol caps arrays at <paramref name="maxArraySize"/>; every other tool answers <paramref name="other"/> or nothing.</summary>
    public static CannedTools Slurm(int maxArraySize = 50, Func<IReadOnlyList<string>, Flepimop2.Subprocesses.ProcessResult?>? other = null, params string?[] clusters)
    {
        var submitted = 0;
        return new CannedTools(argv => argv[0] switch
        {
            "scontrol" when argv.Contains("config") => CannedTools.Ok($"MaxArraySize            = {maxArraySize}\n"),
            "sbatch" => ++submitted <= clusters.Length && clusters[submitted - 1] is { } cluster
                ? CannedTools.Ok($"{100 + submitted};{cluster}\n")
                : CannedTools.Ok($"{100 + submitted}\n"),
            _ => other?.Invoke(argv) ?? CannedTools.Ok(),
        });
    }

    public static DummyCommand Step() => new("exit", "0");

    public static List<CliCommand> Tasks(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (CliCommand)new DummyCommand("task", i.ToString(CultureInfo.InvariantCulture)))];

    public SlurmJobRunner Runner(CannedTools tools, SlurmJobOptions? options = null, Func<string, string?>? findTool = null) =>
        SlurmRunners.With(tools, options ?? Options, Clock, findTool);

    /// <summary>A sweep's handle as the runner records it: its size (and retried indices), its arrays, and <paramref name="more"/> of its record.</summary>
    public JobHandle Sweep(SweepInfo sweep, BatchUnit[] arrays, params (string Key, string Value)[] more)
    {
        var metadata = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            [SweepInfo.Key] = sweep.ToJson(),
            [BatchUnit.Key] = BatchUnit.ToJson(arrays),
        };
        foreach (var (key, value) in more)
        {
            metadata[key] = value;
        }

        return new JobHandle(arrays.FirstOrDefault()?.JobId ?? "101", "slurm", Clock.GetUtcNow()) { Metadata = metadata };
    }

    public void Dispose() => Temp.Dispose();
}
