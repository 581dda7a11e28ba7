namespace Flepimop2.Jobs.Shell;

/// <summary>Options of the <c>shell</c> runner.</summary>
public sealed record ShellJobOptions
{
    /// <summary>Working directory of the job; the submitter's current directory when null.</summary>
    public string? Cwd { get; init; }

    /// <summary>When set, the job's whole environment (it replaces, not extends, the submitter's).</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>Run in the background in a new session (true), or wait for the job (false).</summary>
    public bool Detach { get; init; } = true;

    /// <summary>
    /// The program to run; the running flepimop2 itself when null. A bare name is looked up on PATH
    /// (the <see cref="Env"/> PATH when that is set).
    /// </summary>
    public string? Executable { get; init; }

    /// <summary>At most this many tasks of a sweep run at once (<c>max-parallel</c>), unless a submission says otherwise; one per CPU when null.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>
    /// How many tasks of a sweep each of its slots runs one after another (<c>tasks-per-job</c>), unless a submission says
    /// otherwise; one when null. <see cref="MaxParallel"/> then counts slots.
    /// </summary>
    public int? TasksPerJob { get; init; }

    /// <summary>Where detached jobs keep their output and exit code; <c>.flepimop2_cache/job/logs</c> under the current directory when null.</summary>
    public string? LogDirectory { get; init; }
}
