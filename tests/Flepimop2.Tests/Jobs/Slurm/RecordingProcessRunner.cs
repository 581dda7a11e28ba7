using System.Collections.Concurrent;
using Flepimop2.Processes;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Runs the real Slurm tools and records every call, so a test can count them.</summary>
internal sealed class RecordingProcessRunner : IProcessRunner
{
    public ConcurrentQueue<IReadOnlyList<string>> Calls { get; } = new();

    public Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Calls.Enqueue(argv);
        return ProcessRunner.Instance.RunAsync(argv, timeout, cancellationToken);
    }
}
