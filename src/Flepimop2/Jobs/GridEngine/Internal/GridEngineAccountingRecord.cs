namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>One line of the accounting file (accounting(5)): how one run of a job or array task ended and what it used.</summary>
/// <param name="JobId">The job id (field 6).</param>
/// <param name="Task">The task number (field 36); null for a job that is not an array (0 in the file).</param>
/// <param name="Failed">Grid Engine's failure code (field 12): 0 when the job ran and its exit status is its own.</param>
/// <param name="ExitStatus">The exit status (field 13); 128 + N for a job killed by signal N.</param>
/// <param name="StartTime">When it started, in seconds since the epoch (field 10); 0 when it never did.</param>
/// <param name="EndTime">When it ended (field 11).</param>
/// <param name="WallclockSeconds">Its run time (field 14).</param>
/// <param name="MaxRssBytes">Its peak resident memory: field 17 holds KiB (qacct prints that number as bytes, 1024 times too small).</param>
/// <param name="CpuSeconds">CPU time (field 37).</param>
/// <param name="MaxVmemBytes">Its sampled peak virtual memory (field 43); 0 for a job too short to be sampled.</param>
/// <param name="Slots">Slots it held (field 35).</param>
internal sealed record GridEngineAccountingRecord(
    string JobId,
    int? Task,
    int Failed,
    int ExitStatus,
    long StartTime,
    long EndTime,
    long WallclockSeconds,
    long? MaxRssBytes,
    double? CpuSeconds,
    long? MaxVmemBytes,
    int? Slots);
