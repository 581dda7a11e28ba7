using System.Collections.Concurrent;
using Flepimop2.Processes;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Stands in for the Slurm tools: answers each command from a handler and records every call.</summary>
internal sealed class FakeSlurm : IProcessRunner
{
    private readonly Func<IReadOnlyList<string>, ProcessResult> _answer;

    public FakeSlurm(Func<IReadOnlyList<string>, ProcessResult> answer) => _answer = answer;

    public ConcurrentQueue<IReadOnlyList<string>> Calls { get; } = new();

    public static ProcessResult Ok(string stdout = "") => new(0, stdout, string.Empty);

    public static ProcessResult Error(int exitCode, string stderr) => new(exitCode, string.Empty, stderr);

    public IReadOnlyList<IReadOnlyList<string>> CallsOf(string tool) => Calls.Where(c => c[0] == tool).ToList();

    public Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Calls.Enqueue(argv);
        return Task.FromResult(_answer(argv));
    }

    /// <summary>The value after <paramref name="flag"/> in a call, for example the id list after <c>-j</c>.</summary>
    public static string ValueAfter(IReadOnlyList<string> argv, string flag) => argv[argv.ToList().IndexOf(flag) + 1];
}
