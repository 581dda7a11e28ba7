using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs;

/// <summary>
/// Sizes the next run of a job from what it used (<c>job retry --right-size</c>, <c>job process --size-from</c>, the
/// report): memory from the largest peak any task reached (<see cref="JobDetailKeys.MaxRssBytes"/>, or a shell job's
/// <c>peak_rss_bytes</c>; on Grid Engine, whose <c>h_vmem</c> caps the address space of each process and of the job's
/// processes together, the largest address space the job's recorder saw, <see cref="JobDetailKeys.PeakVmemBytes"/>, or the
/// accounting's <c>max_vmem_bytes</c>, when larger) times <see cref="Headroom"/>, rounded up to whole mebibytes (Slurm's unit), at least
/// <see cref="MinimumMemoryBytes"/>, and no more than the largest limit the tasks ran in when none ran out of memory (a run
/// that fit needs no more); time from the longest run (<see cref="JobDetailKeys.ElapsedSeconds"/>) times
/// <see cref="Headroom"/>, rounded up to whole minutes, at least one. A task that ran out of memory was killed at or below
/// its limit, so its peak is only a lower bound: it asks for twice its limit (or, without one, the next power of two above
/// its peak); a task that ran out of time, for twice its time limit. The largest of these wins.
/// </summary>
public static class RightSizing
{
    /// <summary>What the largest peak and the longest run are multiplied by: room for a run that needs a little more.</summary>
    public const double Headroom = 1.25;

    /// <summary>The least memory suggested, 64 MiB: sampling misses short peaks, and the job's own shell and recorder need some.</summary>
    public const long MinimumMemoryBytes = 64L << 20;

    /// <summary>The backend whose memory limit, <c>h_vmem</c>, caps address space rather than resident memory.</summary>
    private const string GridEngineBackend = "gridengine";

    /// <summary>The key of a Grid Engine job's peak virtual memory in its accounting.</summary>
    private const string VirtualPeak = "max_vmem_bytes";

    /// <summary>The key of a shell job's peak memory (sampled, or from its exit recorder).</summary>
    private const string ShellPeak = "peak_rss_bytes";

    /// <summary>The memory and time for the next run of the job whose status is <paramref name="status"/> (a sweep: of all its tasks).</summary>
    /// <param name="status">The job's status, with its detail (or its tasks' detail) of what it used.</param>
    /// <returns>The suggestion; <see cref="RightSize.IsEmpty"/> with the reason when the job has no usage figures.</returns>
    public static RightSize Suggest(JobStatusResult status)
    {
        ArgumentNullException.ThrowIfNull(status);
        IEnumerable<(JobStatus Status, IReadOnlyDictionary<string, JsonNode?> Detail)> tasks = status.Sweep is { } sweep
            ? sweep.Tasks.Select(t => (t.Status, t.Detail))
            : [(status.Status, status.Detail)];
        var virtualLimit = status.Backend == GridEngineBackend;
        long peak = 0, outOfMemory = 0, longest = 0, outOfTime = 0, limits = 0, failedLimits = 0;
        int oomTasks = 0, timeoutTasks = 0;
        foreach (var (taskStatus, detail) in tasks)
        {
            // Grid Engine's h_vmem caps each process's address space, and the job's processes together: sized from resident
            // memory alone, the next run would fail (a .NET or Java runtime reserves far more than it touches). The
            // recorder's sampled VmPeak sees the largest process, the accounting's maxvmem the processes together.
            var resident = Figure(detail, JobDetailKeys.MaxRssBytes) ?? Figure(detail, ShellPeak) ?? 0;
            var space = virtualLimit ? Math.Max(Figure(detail, JobDetailKeys.PeakVmemBytes) ?? 0, Figure(detail, VirtualPeak) ?? 0) : 0;
            peak = Math.Max(peak, Math.Max(resident, space));
            var taskLimit = Figure(detail, JobDetailKeys.ReqMemBytes) ?? 0;
            limits = Math.Max(limits, taskLimit);
            if (taskStatus != JobStatus.Successful)
            {
                // A failure its peak does not explain may still be memory (an allocation refused whole under h_vmem): a
                // failed task is never given less than it had.
                failedLimits = Math.Max(failedLimits, taskLimit);
            }

            longest = Math.Max(longest, Figure(detail, JobDetailKeys.ElapsedSeconds) ?? 0);
            if (detail.GetValueOrDefault(JobDetailKeys.Retry) is not JsonObject retry)
            {
                continue;
            }

            if (MemoryRequest.TryParse(JsonText.Of(retry[JobDetailKeys.RetryMemory]), out var advised))
            {
                oomTasks++;
                outOfMemory = Math.Max(outOfMemory, Figure(detail, JobDetailKeys.ReqMemBytes) is > 0 and var limit ? 2 * limit : advised.Bytes);
            }

            if (WallTime.TryParse(JsonText.Of(retry[JobDetailKeys.RetryTime]), out var time) && !time.IsUnlimited)
            {
                timeoutTasks++;
                outOfTime = Math.Max(outOfTime, Figure(detail, JobDetailKeys.TimeLimitSeconds) is > 0 and var limit ? 2 * limit : time.TotalSeconds);
            }
        }

        var basis = new List<string>();
        MemoryRequest? memory = null;
        if (peak > 0 || outOfMemory > 0)
        {
            var fromPeak = (long)Math.Ceiling(peak * Headroom);
            var capped = oomTasks == 0 && limits > 0 && fromPeak > limits;
            var kept = failedLimits > fromPeak && failedLimits > outOfMemory;
            memory = MemoryRequest.AtLeast(Math.Max(Math.Max(Math.Max(capped ? limits : fromPeak, outOfMemory), failedLimits), MinimumMemoryBytes));
            var what = virtualLimit ? $"the largest peak address space (which h_vmem limits), {ByteSizes.Human(peak)}" : $"the largest peak, {ByteSizes.Human(peak)}";
            basis.Add(oomTasks > 0 && outOfMemory >= fromPeak
                ? Say($"memory {memory}: {Tasks(oomTasks, status)} ran out of memory, so the peak seen ({ByteSizes.Human(peak)}) is only a lower bound; twice the limit it was killed at")
                : kept
                ? Say($"memory {memory}: the limit {(status.Sweep is null ? "it" : "a failed task")} had; the largest peak, {ByteSizes.Human(peak)}, times {Headroom}, is less, but a failed task is not given less memory than it failed with")
                : capped
                ? Say($"memory {memory}: {what}, times {Headroom}, is more than the {ByteSizes.Human(limits)} it ran in without running out, so that limit again")
                : Say($"memory {memory}: {what}, times {Headroom}, rounded up to whole megabytes (at least {ByteSizes.Human(MinimumMemoryBytes)})"));
        }

        WallTime? limitTime = null;
        if (longest > 0 || outOfTime > 0)
        {
            var fromRun = (long)Math.Ceiling(longest * Headroom);
            var seconds = Math.Max(Math.Max(fromRun, outOfTime), 60);
            limitTime = WallTime.FromSeconds((seconds + 59) / 60 * 60);
            basis.Add(timeoutTasks > 0 && outOfTime >= fromRun
                ? Say($"time {limitTime}: {Tasks(timeoutTasks, status)} ran out of time; twice the limit it reached")
                : Say($"time {limitTime}: the longest run, {longest} s, times {Headroom}, rounded up to whole minutes"));
        }

        if (basis.Count == 0)
        {
            basis.Add($"{status.Key} has no usage figures to size from (no peak memory and no run time: accounting kept none, or no task ran)");
        }

        return new RightSize(memory, limitTime, basis);
    }

    /// <summary>A positive figure, a fraction rounded up (a shell job's run time is in milliseconds); null when absent or not a number.</summary>
    private static long? Figure(IReadOnlyDictionary<string, JsonNode?> detail, string key) =>
        detail.GetValueOrDefault(key) is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
        && number is > 0 and < long.MaxValue / 4
            ? (long)Math.Ceiling(number)
            : null;

    private static string Tasks(int count, JobStatusResult status) =>
        status.Sweep is null ? "it" : count == 1 ? "a task" : $"{count.ToString(CultureInfo.InvariantCulture)} tasks";

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
