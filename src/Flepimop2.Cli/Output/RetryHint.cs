using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Output;

/// <summary>
/// The line <c>job status</c> prints after the details of a job that ran out of memory or time: the command that runs it
/// again with what its detail's <c>retry</c> advises, <c>hint: flepimop2 job retry KEY --memory 2G</c>; for a sweep whose
/// tasks did, its failed tasks with the most any of them was advised, <c>hint: flepimop2 job retry KEY --failed-tasks --memory 2G</c>.
/// </summary>
internal static partial class RetryHint
{
    /// <summary>The hint, or null when the detail advises nothing.</summary>
    /// <remarks>
    /// The line is meant to be pasted into a shell, and the detail may come from a file: it is given only when the key and
    /// the values are of the forms this program writes (a plain key, <c>512M</c>, <c>0-02:00:00</c>), so it never needs quoting.
    /// </remarks>
    public static string? For(JobStatusResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!PlainKey().IsMatch(result.Key))
        {
            return null;
        }

        // A sweep: its failed tasks again, with the most any of them was advised to ask for.
        if (result.Sweep is { } sweep)
        {
            var advice = sweep.Tasks.Where(t => t.Status.IsFinished()).Select(t => t.Detail.GetValueOrDefault(JobDetailKeys.Retry) as JsonObject).OfType<JsonObject>().ToList();
            var memory = advice.Select(a => Text(a[JobDetailKeys.RetryMemory])).OfType<string>().Where(m => Memory().IsMatch(m)).MaxBy(Bytes);
            var time = advice.Select(a => Text(a[JobDetailKeys.RetryTime])).OfType<string>().Where(t => Time().IsMatch(t)).MaxBy(Seconds);
            return Line(result.Key, "--failed-tasks", memory, time);
        }

        return result.Detail.GetValueOrDefault(JobDetailKeys.Retry) is JsonObject retry
            ? Line(result.Key, null, Text(retry[JobDetailKeys.RetryMemory]) is { } m && Memory().IsMatch(m) ? m : null, Text(retry[JobDetailKeys.RetryTime]) is { } t && Time().IsMatch(t) ? t : null)
            : null;
    }

    private static string? Line(string key, string? first, string? memory, string? time)
    {
        var options = new List<string>(3);
        if (memory is not null)
        {
            options.Add($"--memory {memory}");
        }

        if (time is not null)
        {
            options.Add($"--time {time}");
        }

        if (options.Count == 0)
        {
            return null;
        }

        if (first is not null)
        {
            options.Insert(0, first);
        }

        return $"hint: flepimop2 job retry {key} {string.Join(' ', options)}";
    }

    /// <summary><c>512M</c> in KiB, to compare the advice of several tasks.</summary>
    private static decimal Bytes(string memory) =>
        decimal.Parse(memory[..^1], System.Globalization.CultureInfo.InvariantCulture) * (1L << (10 * "KMGT".IndexOf(memory[^1], StringComparison.Ordinal)));

    /// <summary><c>D-HH:MM:SS</c> in seconds.</summary>
    private static long Seconds(string time)
    {
        var dash = time.IndexOf('-', StringComparison.Ordinal);
        var parts = time[(dash + 1)..].Split(':').Select(p => long.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (long.Parse(time[..dash], System.Globalization.CultureInfo.InvariantCulture) * 86_400) + (parts[0] * 3600) + (parts[1] * 60) + parts[2];
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex PlainKey();

    [GeneratedRegex(@"^[0-9]{1,15}[KMGT]$")]
    private static partial Regex Memory();

    [GeneratedRegex(@"^[0-9]{1,9}-[0-9]{2}:[0-9]{2}:[0-9]{2}$")]
    private static partial Regex Time();
}
