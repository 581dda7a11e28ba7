using System.Collections.Concurrent;
using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Support;

/// <summary>
/// Stands in for a scheduler's tools (Slurm's or Grid Engine's) with canned answers: each command is answered by a handler,
/// nothing runs, and every call is recorded. For tools that really run the jobs, see the scripted stand-ins.
/// </summary>
internal sealed class CannedTools : IProcessRunner
{
    private readonly Func<IReadOnlyList<string>, ProcessResult> _answer;

    public CannedTools(Func<IReadOnlyList<string>, ProcessResult> answer) => _answer = answer;

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
