using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Output;

/// <summary>
/// The line <c>job status</c> prints after the details of a job that ran out of memory or time: the command that runs it
/// again with what its detail's <c>retry</c> advises, <c>hint: flepimop2 job retry KEY --memory 2G</c>.
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
        if (result.Detail.GetValueOrDefault(JobDetailKeys.Retry) is not JsonObject retry || !PlainKey().IsMatch(result.Key))
        {
            return null;
        }

        var options = new List<string>(2);
        if (Text(retry[JobDetailKeys.RetryMemory]) is { } memory && Memory().IsMatch(memory))
        {
            options.Add($"--memory {memory}");
        }

        if (Text(retry[JobDetailKeys.RetryTime]) is { } time && Time().IsMatch(time))
        {
            options.Add($"--time {time}");
        }

        return options.Count == 0 ? null : $"hint: flepimop2 job retry {result.Key} {string.Join(' ', options)}";
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
