using System.Globalization;
using System.Text;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// What a shell sweep's directory records (see <see cref="ShellSupervisor"/>): each task's exit code, which tasks started
/// and as which process, which were cancelled, and whether the supervisor got to its end. A line that is torn or names a
/// task the sweep does not have is ignored: these files are written by processes that may be killed.
/// </summary>
/// <param name="Results">Exit code by task; null for a task cancelled before it started.</param>
/// <param name="Started">The tasks that started.</param>
/// <param name="Pids">Each started task's process id and start time (clock ticks since boot).</param>
/// <param name="CancelAll">Whether the whole sweep was cancelled.</param>
/// <param name="Cancelled">Single tasks that were cancelled.</param>
/// <param name="Done">The supervisor's end record: 0 when it got through every task, 1 when it was stopped; null when absent.</param>
/// <param name="Elapsed">Each ended task's run time in seconds, where its line has its start and end (bash 5's clock).</param>
/// <param name="Times">Each ended task's start and end, where its line has them (as for <paramref name="Elapsed"/>).</param>
internal sealed record ShellSweepRecords(
    IReadOnlyDictionary<int, int?> Results,
    IReadOnlySet<int> Started,
    IReadOnlyDictionary<int, (int Pid, long StartTicks)> Pids,
    bool CancelAll,
    IReadOnlySet<int> Cancelled,
    int? Done,
    IReadOnlyDictionary<int, double>? Elapsed = null,
    IReadOnlyDictionary<int, (DateTimeOffset Start, DateTimeOffset End)>? Times = null)
{
    /// <summary>The sweep's directory, where each task's exit record is (<c>exit/POSITION.json</c>); null for records parsed from text.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>What a task's exit record adds to its detail: its peak memory and CPU time, when its recorder wrote them.</summary>
    public IEnumerable<KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>> Usage(int task)
    {
        if (RunDirectory is null || Jobs.Internal.ExitRecord.Read(Path.Combine(RunDirectory, "exit", task.ToString(CultureInfo.InvariantCulture) + ".json")) is not { } record)
        {
            yield break;
        }

        if (record.PeakRssBytes is { } peak)
        {
            yield return new("peak_rss_bytes", peak);
        }

        if (record.CpuSeconds is { } cpu)
        {
            yield return new("cpu_seconds", cpu);
        }
    }

    /// <summary>A sweep's files are a few bytes a task; anything larger was not written by its supervisor.</summary>
    private const long MaxBytes = 64L << 20;

    public bool IsCancelled(int task) => CancelAll || Cancelled.Contains(task);

    /// <summary>Reads the records of a sweep's directory, never through a link and never blocking on a FIFO.</summary>
    public static ShellSweepRecords Read(string runDirectory, int count)
    {
        var cancel = Path.Combine(runDirectory, "cancel");
        var cancelNames = Directory.Exists(cancel) ? Directory.EnumerateFiles(cancel).Select(Path.GetFileName).OfType<string>() : [];
        return Parse(Text(runDirectory, "results"), Text(runDirectory, "started"), Text(runDirectory, "pids"), cancelNames, Text(runDirectory, "done"), count) with { RunDirectory = runDirectory };
    }

    /// <summary>Parses the records' text.</summary>
    public static ShellSweepRecords Parse(string results, string started, string pids, IEnumerable<string> cancelNames, string done, int count)
    {
        var codes = new Dictionary<int, int?>();
        var elapsed = new Dictionary<int, double>();
        var times = new Dictionary<int, (DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var fields in Lines(results))
        {
            // "I CODE", or "I CODE START END" with the task's start and end in seconds since the epoch.
            if (fields.Length == 4 && Index(fields[0], count) is { } timed && Seconds(fields[2]) is { } start && Seconds(fields[3]) is { } stop
                && stop >= start && stop - start < 1e9)
            {
                elapsed[timed] = Math.Round(stop - start, 3);
                times[timed] = (Instant(start), Instant(stop));
            }

            if (fields.Length is 2 or 4 && Index(fields[0], count) is { } task)
            {
                if (fields[1] == "cancelled")
                {
                    codes[task] = null;
                }
                else if (int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                {
                    codes[task] = code;
                }
            }
        }

        var startedTasks = new HashSet<int>(Lines(started).Where(f => f.Length == 1).Select(f => Index(f[0], count)).OfType<int>());
        var processes = new Dictionary<int, (int Pid, long StartTicks)>();
        foreach (var fields in Lines(pids))
        {
            if (fields.Length == 3 && Index(fields[0], count) is { } task
                && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
                && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                processes[task] = (pid, ticks);
            }
        }

        var names = cancelNames.ToList();
        var cancelled = new HashSet<int>(names.Select(n => Index(n, count)).OfType<int>());
        int? end = int.TryParse(done.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        return new ShellSweepRecords(codes, startedTasks, processes, names.Contains("all"), cancelled, end, elapsed, times);
    }

    private static IEnumerable<string[]> Lines(string text) =>
        text.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 0);

    /// <summary>bash's <c>$EPOCHREALTIME</c> (<c>1764160000.123456</c>; a comma where the job's locale says so); null when empty or odd.</summary>
    private static double? Seconds(string text) =>
        double.TryParse(text.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) ? seconds : null;

    /// <summary>Seconds since the epoch as a time, to the microsecond (what bash's clock gives).</summary>
    private static DateTimeOffset Instant(double seconds)
    {
        // Whole seconds and microseconds apart: a double holds the seconds since the epoch to about a tenth of a microsecond.
        var whole = Math.Floor(seconds);
        return DateTimeOffset.UnixEpoch.AddSeconds(whole).AddTicks((long)Math.Round((seconds - whole) * 1e6) * 10);
    }

    private static int? Index(string text, int count) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < count ? i : null;

    private static string Text(string directory, string name)
    {
        try
        {
            return Encoding.UTF8.GetString(SafeFile.ReadAllBytes(Path.Combine(directory, name), followLinks: false, MaxBytes));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
