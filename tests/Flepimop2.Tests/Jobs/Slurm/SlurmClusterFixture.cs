using System.Diagnostics;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Processes;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// The real cluster the integration tests submit to. It fails (never skips) when Slurm is not there, saying how to start it.
/// Jobs run the test dummy with a small memory request, in a fresh directory under /tmp.
/// </summary>
public sealed class SlurmClusterFixture : IDisposable
{
    private const string HowToStart =
        "The Slurm integration tests need the test cluster: start it with `scripts/slurm/start-cluster.sh` (as root, about 3 s), then run the tests again.";

    public SlurmClusterFixture()
    {
        if (Executables.Find("sbatch", Environment.GetEnvironmentVariable("PATH")) is null)
        {
            throw new InvalidOperationException($"'sbatch' is not on PATH. {HowToStart}");
        }

        var (exitCode, output) = Run("sinfo", "-h", "-o", "%a");
        if (exitCode != 0 || !output.Contains("up", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the Slurm controller does not answer (`sinfo` said: {output.Trim()}). {HowToStart}");
        }

        Directory = System.IO.Directory.CreateDirectory(Path.Combine("/tmp", $"flepimop2-slurm-tests-{Guid.NewGuid():N}")).FullName;
        Dummy = TestPaths.Dummy;
    }

    /// <summary>A directory every job can write to: its working directory and the place of its scripts and outputs.</summary>
    public string Directory { get; }

    public string Dummy { get; }

    /// <summary>Options for a job that runs the dummy: <c>dummy process ARGV...</c>, with 50 MB of memory.</summary>
    public SlurmJobOptions Options => new()
    {
        Executable = Dummy,
        Memory = MemoryRequest.Parse("50M"),
        Chdir = Directory,
        ScriptDirectory = Path.Combine(Directory, "scripts"),
    };

    public SlurmJobRunner Runner(SlurmJobOptions? options = null) => new(options ?? Options);

    internal static SlurmJobRunner Runner(SlurmJobOptions options, IProcessRunner processes) =>
        new(options, new BatchRunnerParts(processes, TimeProvider.System, BatchRunnerParts.OnPath));

    public static async Task<JobHandle> SubmitAsync(JobRunner runner, params string[] argv) =>
        Assert.IsType<JobHandle>(await runner.SubmitAsync(new DummyCommand(argv)));

    /// <summary>Polls the batch every half second until every job satisfies <paramref name="done"/>; fails with the last answers on timeout.</summary>
    public static async Task<IReadOnlyList<JobStatusResult>> WaitAsync(JobRunner runner, IReadOnlyList<JobHandle> handles, Func<JobStatusResult, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var results = await runner.StatusManyAsync(handles);
            if (results.All(done))
            {
                return results;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"jobs did not reach the expected state within {timeout.TotalSeconds:0} s: {string.Join("; ", results.Where(r => !done(r)).Select(Describe))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    public static Task<IReadOnlyList<JobStatusResult>> WaitFinishedAsync(JobRunner runner, IReadOnlyList<JobHandle> handles, TimeSpan timeout) =>
        WaitAsync(runner, handles, r => r.Status.IsFinished(), timeout);

    public static string Describe(JobStatusResult result) =>
        $"{result} {string.Join(' ', result.Detail.Select(kv => $"{kv.Key}={JsonText.Display(kv.Value)}"))}";

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A job cancelled a moment ago may still hold its output file; /tmp is cleaned anyway.
        }
    }

    /// <summary>Runs a Slurm tool (at most 15 s) and returns its exit code and what it printed, stdout then stderr.</summary>
    internal static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "no answer within 15 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
