using Flepimop2.Jobs;

namespace Flepimop2.Reports;

/// <summary>One job of a report: what it is, how it was submitted, and its tasks (an ordinary job has one).</summary>
/// <param name="Key">The store key.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="Tasks">Its tasks in index order; one, with no index, for an ordinary job.</param>
internal sealed record ReportJob(string Key, JobStatus Status, DateTimeOffset SubmittedAt, IReadOnlyList<ReportTask> Tasks)
{
    /// <summary>The runner's short name (<c>shell</c>, <c>slurm</c>, <c>gridengine</c>).</summary>
    public string Backend { get; init; } = string.Empty;

    /// <summary>Whether it is a sweep (its tasks have indices).</summary>
    public bool IsSweep { get; init; }

    /// <summary>What it runs, in a word, when the record says.</summary>
    public string? Target { get; init; }

    /// <summary>The command line it ran, quoted as a shell would need it; null for a sweep (its tasks are in its task table) and old records.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The runner's recorded configuration, one entry per option (the module first).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Runner { get; init; } = [];

    /// <summary>The status's own detail, as <c>job status</c> prints it (<c>name: value</c> lines).</summary>
    public IReadOnlyList<string> DetailLines { get; init; } = [];

    /// <summary>Where the submission came from (configuration, commit, version, environment), one entry each; empty when not recorded.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Provenance { get; init; } = [];

    /// <summary>The <c>job retry</c> command that gives it what it needed, when its status advises one.</summary>
    public string? RetryCommand { get; init; }
}
