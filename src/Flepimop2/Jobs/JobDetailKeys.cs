namespace Flepimop2.Jobs;

/// <summary>
/// The names of the entries of a status's <see cref="JobStatusResult.Detail"/> that tell what a job used and what to ask for
/// when it is run again. Every figure is a JSON number, so that <c>--json</c> readers need not parse Slurm's units; a figure
/// the backend does not know is left out. A sweep's tasks carry them too (<see cref="SweepTaskStatus.Detail"/>).
/// </summary>
public static class JobDetailKeys
{
    /// <summary>When the job (or task) started running, in ISO 8601 UTC, where the scheduler or its exit record tells.</summary>
    public const string StartedAt = "started_at";

    /// <summary>When it ended, in ISO 8601 UTC.</summary>
    public const string EndedAt = "ended_at";

    /// <summary>Run time in whole seconds (beside it, <c>elapsed</c> keeps the backend's own text).</summary>
    public const string ElapsedSeconds = "elapsed_seconds";

    /// <summary>The time limit in seconds; left out when the job has none.</summary>
    public const string TimeLimitSeconds = "time_limit_seconds";

    /// <summary>The number of CPUs the job was given.</summary>
    public const string AllocCpus = "alloc_cpus";

    /// <summary>The memory the job asked for, in bytes.</summary>
    public const string ReqMemBytes = "req_mem_bytes";

    /// <summary>The peak resident memory of the job's largest step, in bytes (a finished job, when it was sampled).</summary>
    public const string MaxRssBytes = "max_rss_bytes";

    /// <summary>
    /// The largest address space (virtual size) any process of the job's command reached, in bytes, as the job's own recorder
    /// sampled it: what Grid Engine's <c>h_vmem</c> caps per process, and what right-sizing a Grid Engine job goes by.
    /// </summary>
    public const string PeakVmemBytes = "peak_vmem_bytes";

    /// <summary>Peak memory over requested memory: 0 to 1, above 1 for a job that went over (a finished job).</summary>
    public const string MemEfficiency = "mem_efficiency";

    /// <summary>CPU time used over CPU time given (elapsed × CPUs): 0 to 1, above 1 when it used more CPUs than it had (a finished job).</summary>
    public const string CpuEfficiency = "cpu_efficiency";

    /// <summary>How often the scheduler requeued the job (when it did, and while it still knows).</summary>
    public const string Restarts = "restarts";

    /// <summary>
    /// For a job that ran out of memory or time: an object of what to ask for instead, in the runner's own option notation,
    /// <c>{"memory": "2G"}</c> or <c>{"time": "0-02:00:00"}</c>; the option names are those of <c>flepimop2 job retry</c>.
    /// </summary>
    public const string Retry = "retry";

    /// <summary>The key under <see cref="Retry"/> for the memory to ask for, in Slurm's notation (<c>512M</c>, <c>2G</c>).</summary>
    public const string RetryMemory = "memory";

    /// <summary>The key under <see cref="Retry"/> for the time limit to ask for, as <c>D-HH:MM:SS</c>.</summary>
    public const string RetryTime = "time";

    /// <summary>The entries written for each task in a sweep's JSON list (the other detail entries only with <c>--task</c>).</summary>
    public static IReadOnlyList<string> PerTask { get; } =
        [ElapsedSeconds, TimeLimitSeconds, AllocCpus, ReqMemBytes, MaxRssBytes, MemEfficiency, CpuEfficiency, Restarts, Retry];
}
