namespace Flepimop2.Jobs.Batch;

/// <summary>Where a job's output goes, as patterns of its scheduler (<c>slurm-%j.out</c>, <c>gridengine-$JOB_ID.out</c>).</summary>
/// <param name="Output">The output file's pattern, absolute.</param>
/// <param name="Error">The error file's pattern, when the error output goes elsewhere; null when both go to <see cref="Output"/>.</param>
internal sealed record BatchLogs(string Output, string? Error);
