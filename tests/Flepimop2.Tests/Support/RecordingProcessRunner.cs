using System.Collections.Concurrent;
using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Support;

/// <summary>
/// Passes every call on to <paramref name="inner"/> (the real tools, or a scripted stand-in) and records it, so a test can
/// count the calls of one runner however many others use the same scheduler.
/// </summary>
internal sealed class RecordingProcessRunner(IProcessRunner inner) : IProcessRunner
{
    /// <summary>Records calls of the real tools.</summary>
    public RecordingProcessRunner()
        : this(ProcessRunner.Instance)
    {
    }

    public ConcurrentQueue<IReadOnlyList<string>> Calls { get; } = new();

    public Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Calls.Enqueue(argv);
        return inner.RunAsync(argv, timeout, cancellationToken);
    }
}
