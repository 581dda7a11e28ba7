namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>What <see cref="SlurmStatusResolver"/> needs beside the tools' rows.</summary>
/// <param name="Now">The time of the query.</param>
/// <param name="GraceWindow">How long after submission a job unknown to every tool still counts as pending.</param>
/// <param name="Cluster">The cluster asked (from <c>sbatch</c>'s answer), or null for the default one.</param>
/// <param name="AccountingSource"><c>sacct</c>, or <c>scontrol</c> when the cluster keeps no accounting.</param>
/// <param name="Note">A remark added to every detail of this query (for example that accounting is off).</param>
internal sealed record SlurmStatusContext(DateTimeOffset Now, TimeSpan GraceWindow, string? Cluster, string AccountingSource = "sacct", string? Note = null);
