using Flepimop2.Jobs.Internal;
namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>What <see cref="SlurmStatusResolver"/> needs beside the tools' rows.</summary>
/// <param name="Now">The time of the query.</param>
/// <param name="GraceWindow">How long after submission a job unknown to every tool still counts as pending.</param>
/// <param name="Cluster">The cluster asked (from <c>sbatch</c>'s answer), or null for the default one.</param>
/// <param name="AccountingSource"><c>sacct</c>, or <c>scontrol</c> when the cluster keeps no accounting.</param>
/// <param name="Note">A remark added to every detail of this query (for example that accounting is off).</param>
/// <param name="Requested">
/// The time limit and memory the runner's options asked for, to fill in while the database has only the first part of a
/// job's record (for a moment after a short job ends, sacct shows its end but <c>ReqMem</c> <c>16?</c> and no <c>Timelimit</c>).
/// </param>
internal sealed record SlurmStatusContext(
    DateTimeOffset Now,
    TimeSpan GraceWindow,
    string? Cluster,
    string AccountingSource = "sacct",
    string? Note = null,
    JobUsage? Requested = null);
