using BenchmarkDotNet.Attributes;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Benchmarks;

/// <summary>The store's hot paths: one save into a store of a given size, and a listing of it.</summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private string _directory = string.Empty;
    private JobStore _store = null!;
    private int _next;

    [Params(0, 10_000)]
    public int Jobs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("flepimop2-bench-").FullName;
        StoreSeeder.Seed(_directory, Jobs, "finished");
        _store = JobStore.ForDirectory(_directory);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public StoredJob Save() => _store.Save(new JobHandle($"bench{_next++}", "shell", DateTimeOffset.UtcNow), []);

    [Benchmark]
    public int List() => _store.List().Jobs.Count;
}
