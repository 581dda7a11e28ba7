using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// What a job's own wrapper records of how its command ran, in a small JSON file in the job's run directory: written
/// atomically once when the command starts (start time, host, wrapper) and again when it ends (exit code or signal, end
/// time, peak memory and CPU time of the command's processes). A record with a start and no end means the wrapper itself
/// was killed with the command. Reading never trusts the file: anything malformed reads as no record.
/// </summary>
/// <param name="StartedAt">When the command started.</param>
/// <param name="Host">The host it ran on.</param>
/// <param name="Wrapper">What wrote the record: <c>flepimop2</c> (exact: exit status and resource use from the kernel) or <c>bash</c> (the fallback: exit code only).</param>
internal sealed record ExitRecord(DateTimeOffset StartedAt, string Host, string Wrapper)
{
    /// <summary>The most a record may hold; a larger file was not written by a wrapper.</summary>
    private const long MaxBytes = 64 * 1024;

    /// <summary>When the command ended; null while it runs (or when the wrapper was killed with it).</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Its exit code, when it exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that ended it, when one did.</summary>
    public int? Signal { get; init; }

    /// <summary>The peak resident memory of the largest of its processes, in bytes (the kernel's <c>ru_maxrss</c>).</summary>
    public long? PeakRssBytes { get; init; }

    /// <summary>
    /// The largest address space any of its processes reached (<c>VmPeak</c>, sampled), in bytes: what Grid Engine's
    /// <c>h_vmem</c> limits, per process.
    /// </summary>
    public long? PeakVmemBytes { get; init; }

    /// <summary>CPU time its processes used, user and system, in seconds.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>Whether the command's end is recorded.</summary>
    public bool Ended => EndedAt is not null && (ExitCode is not null || Signal is not null);

    /// <summary>The exit code a shell reports for it: its own, or 128 + the signal that ended it.</summary>
    public int? ShellExitCode => ExitCode ?? (Signal is { } signal ? 128 + signal : null);

    /// <summary>Its run time in seconds, once ended.</summary>
    public double? ElapsedSeconds => EndedAt is { } end && end >= StartedAt ? Math.Round((end - StartedAt).TotalSeconds, 3) : null;

    /// <summary>The record as JSON, one line.</summary>
    public byte[] ToJson()
    {
        var json = new JsonObject
        {
            ["started_at"] = IsoTime.Format(StartedAt),
            ["ended_at"] = EndedAt is { } end ? IsoTime.Format(end) : null,
            ["exit_code"] = ExitCode,
            ["signal"] = Signal,
            ["peak_rss_bytes"] = PeakRssBytes,
            ["peak_vmem_bytes"] = PeakVmemBytes,
            ["cpu_seconds"] = CpuSeconds,
            ["host"] = Host,
            ["wrapper"] = Wrapper,
        };
        return Encoding.UTF8.GetBytes(json.ToJsonString() + "\n");
    }

    /// <summary>Writes the record in place of any before it, atomically (a temporary file renamed over it).</summary>
    public void Write(string path) => AtomicFile.WriteAllBytes(path, ToJson());

    /// <summary>The record at <paramref name="path"/>, or null when there is none or it is not one (a link, a FIFO, torn, foreign).</summary>
    public static ExitRecord? Read(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return Parse(SafeFile.ReadAllBytes(path, followLinks: false, MaxBytes));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or UnsafeFileException)
        {
            return null;
        }
    }

    /// <summary>Parses a record; null when the text is not one.</summary>
    public static ExitRecord? Parse(ReadOnlySpan<byte> utf8)
    {
        JsonObject json;
        try
        {
            if (JsonNode.Parse(utf8) is not JsonObject parsed)
            {
                return null;
            }

            json = parsed;
        }
        catch (JsonException)
        {
            return null;
        }

        if (!IsoTime.TryParse(JsonText.Of(json["started_at"]), out var started))
        {
            return null;
        }

        DateTimeOffset? ended = IsoTime.TryParse(JsonText.Of(json["ended_at"]), out var end) ? end : null;
        return new ExitRecord(started, Text(json["host"]) ?? "?", Text(json["wrapper"]) ?? "?")
        {
            EndedAt = ended,
            ExitCode = Small(json["exit_code"], 0, 255),
            Signal = Small(json["signal"], 1, 127),
            PeakRssBytes = JsonText.Int64(json["peak_rss_bytes"]) is >= 0 and var peak ? peak : null,
            PeakVmemBytes = JsonText.Int64(json["peak_vmem_bytes"]) is > 0 and var space ? space : null,
            CpuSeconds = json["cpu_seconds"] is JsonValue v && v.TryGetValue<double>(out var cpu) && cpu >= 0 && double.IsFinite(cpu) ? cpu : null,
        };
    }

    /// <summary>The record's figures as status detail entries (times in ISO 8601, sizes in bytes).</summary>
    public IEnumerable<KeyValuePair<string, JsonNode?>> Detail()
    {
        yield return new(JobDetailKeys.StartedAt, IsoTime.Format(StartedAt));
        if (EndedAt is { } end)
        {
            yield return new(JobDetailKeys.EndedAt, IsoTime.Format(end));
        }

        if (PeakRssBytes is { } peak)
        {
            yield return new(JobDetailKeys.MaxRssBytes, peak);
        }

        if (PeakVmemBytes is { } space)
        {
            yield return new(JobDetailKeys.PeakVmemBytes, space);
        }

        yield return new("host", Host);
    }

    private static string? Text(JsonNode? node) => JsonText.Of(node) is { } text ? Printable.Escape(text) : null;

    private static int? Small(JsonNode? node, int least, int most) =>
        JsonText.Int64(node) is { } n && n >= least && n <= most ? (int)n : null;
}
