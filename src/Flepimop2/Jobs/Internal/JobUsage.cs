namespace Flepimop2.Jobs.Internal;

/// <summary>
/// What accounting says a job used and was given, from its allocation line and its steps' lines of <c>sacct</c>. A figure
/// sacct left empty is null: a step too short to be sampled has no <c>MaxRSS</c>, a running job's <c>TotalCPU</c> is 0 until
/// its steps end, a job without a limit has <c>Timelimit</c> <c>UNLIMITED</c> (and after a requeue <c>Partition_Limit</c>).
/// </summary>
/// <param name="ElapsedSeconds">Run time in seconds (<c>Elapsed</c>).</param>
/// <param name="TimeLimit">The time limit as sacct prints it (<c>00:01:00</c>, <c>UNLIMITED</c>).</param>
/// <param name="TimeLimitSeconds">The time limit in seconds, when it is one.</param>
/// <param name="MaxRssBytes">The peak resident memory of its largest step (<c>MaxRSS</c>, the most of any one task).</param>
/// <param name="ReqMemBytes">The memory it asked for (<c>ReqMem</c>), in bytes.</param>
/// <param name="TotalCpuSeconds">CPU time used by all its steps (<c>TotalCPU</c>, user and system).</param>
/// <param name="AllocCpus">CPUs allocated (<c>AllocCPUS</c>).</param>
internal sealed record JobUsage(
    long? ElapsedSeconds = null,
    string? TimeLimit = null,
    long? TimeLimitSeconds = null,
    long? MaxRssBytes = null,
    long? ReqMemBytes = null,
    double? TotalCpuSeconds = null,
    int? AllocCpus = null)
{
    /// <summary>Peak over requested memory (above 1 for a job that went over); null without both figures.</summary>
    public double? MemoryEfficiency =>
        MaxRssBytes is { } peak && ReqMemBytes is > 0 and var requested ? Math.Round((double)peak / requested, 4) : null;

    /// <summary>CPU time over the CPU time allocated (<c>Elapsed × AllocCPUS</c>); null when either is zero or unknown.</summary>
    public double? CpuEfficiency =>
        TotalCpuSeconds is { } cpu && ElapsedSeconds is > 0 and var elapsed && AllocCpus is > 0 and var cpus
            ? Math.Round(cpu / (elapsed * (double)cpus), 4)
            : null;

    /// <summary>These figures, with the time limit and requested memory taken from <paramref name="requested"/> where sacct left them out.</summary>
    public JobUsage FillRequest(JobUsage? requested) => requested is null ? this : this with
    {
        TimeLimit = TimeLimit ?? requested.TimeLimit,
        TimeLimitSeconds = TimeLimit is null ? requested.TimeLimitSeconds : TimeLimitSeconds,
        ReqMemBytes = ReqMemBytes ?? requested.ReqMemBytes,
    };
}
