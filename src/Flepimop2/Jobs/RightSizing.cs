using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs;

/// <summary>
/// Sizes the next run of a job from what it used (<c>job retry --right-size</c>, <c>job process --size-from</c>, the
/// report): memory from the largest peak any task reached (<see cref="JobDetailKeys.MaxRssBytes"/>, or a shell job's
/// <c>peak_rss_bytes</c>; a Grid Engine job's <c>max_vmem_bytes</c> when larger, since its <c>h_vmem</c> limit counts virtual
/// memory) times <see cref="Headroom"/>, rounded up to whole mebibytes (Slurm's unit), at least
/// <see cref="MinimumMemoryBytes"/>; time from the longest run (<see cref="JobDetailKeys.ElapsedSeconds"/>) times
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

    /// <summary>The key of a Grid Engine job's peak virtual memory, which its <c>h_vmem</c> limit counts.</summary>
    private const string VirtualPeak = "max_vmem_bytes";

    /// <summary>The key of a shell job's peak memory (sampled, or from its exit recorder).</summary>
    private const string ShellPeak = "peak_rss_bytes";

    /// <summary>The memory and time for the next run of the job whose status is <paramref name="status"/> (a sweep: of all its tasks).</summary>
    /// <param name="status">The job's status, with its detail (or its tasks' detail) of what it used.</param>
    /// <returns>The suggestion; <see cref="RightSize.IsEmpty"/> with the reason when the job has no usage figures.</returns>
    public static RightSize Suggest(JobStatusResult status)
    {
        ArgumentNullException.ThrowIfNull(status);
        IEnumerable<IReadOnlyDictionary<string, JsonNode?>> details = status.Sweep is { } sweep ? sweep.Tasks.Select(t => t.Detail) : [status.Detail];
        long peak = 0, outOfMemory = 0, longest = 0, outOfTime = 0;
        int oomTasks = 0, timeoutTasks = 0;
        foreach (var detail in details)
        {
            // Grid Engine's h_vmem limits virtual memory, which its accounting gives as maxvmem: sized from resident memory
            // alone, the next run would be killed (a .NET or R process maps far more than it touches).
            peak = Math.Max(peak, Math.Max(Figure(detail, JobDetailKeys.MaxRssBytes) ?? Figure(detail, ShellPeak) ?? 0, Figure(detail, VirtualPeak) ?? 0));
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
            memory = MemoryRequest.AtLeast(Math.Max(Math.Max(fromPeak, outOfMemory), MinimumMemoryBytes));
            basis.Add(oomTasks > 0 && outOfMemory >= fromPeak
                ? Say($"memory {memory}: {Tasks(oomTasks, status)} ran out of memory, so the peak seen ({ByteSizes.Human(peak)}) is only a lower bound; twice the limit it was killed at")
                : Say($"memory {memory}: the largest peak, {ByteSizes.Human(peak)}, times {Headroom}, rounded up to whole megabytes (at least {ByteSizes.Human(MinimumMemoryBytes)})"));
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
