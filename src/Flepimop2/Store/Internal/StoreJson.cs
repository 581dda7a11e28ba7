using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Store.Internal;

/// <summary>
/// The store's JSON, in the original's shape (two-space indent, <c>"key": value</c>), written and read
/// without reflection so the native tool stays small and fast.
/// </summary>
internal static class StoreJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonDocumentOptions ReaderOptions = new() { AllowTrailingCommas = false, MaxDepth = 256 };

    public static byte[] HandleFile(StoredJob job)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("key", job.Key);
            writer.WritePropertyName("handle");
            writer.WriteStartObject();
            JobRecordJson.WriteHandleFields(writer, job.Handle);
            writer.WriteEndObject();
            writer.WritePropertyName("job_config");
            job.JobConfig.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteSummaryEntry(Utf8JsonWriter writer, JobSummaryEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("key", entry.Key);
        writer.WriteString("backend", entry.Backend);
        writer.WriteString("job_id", entry.JobId);
        writer.WriteString("submitted_at", IsoTime.Format(entry.SubmittedAt));
        if (entry.Status is { } status)
        {
            writer.WriteString("status", status.ToWireName());
        }
        else
        {
            writer.WriteNull("status");
        }

        if (entry.Tasks is { } tasks)
        {
            // A field the original does not have: it reads entries with it, and drops it when it rewrites the file.
            writer.WritePropertyName("tasks");
            JobRecordJson.WriteCounts(writer, tasks);
        }

        writer.WriteEndObject();
    }

    public static byte[] Summary(IEnumerable<JobSummaryEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var entry in entries)
            {
                WriteSummaryEntry(writer, entry);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a handle file; the message says what is wrong when it is not one.</summary>
    public static StoredJob ParseHandleFile(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes, documentOptions: ReaderOptions);
        }
        catch (JsonException ex)
        {
            problem = bytes.Length == 0 ? "the file is empty" : Invalid(ex);
            return null!;
        }

        if (root is not JsonObject obj
            || OptionText(obj, "key") is not { } key
            || obj["handle"] is not JsonObject handleNode
            || JobRecordJson.ReadHandle(handleNode) is not { } handle)
        {
            problem = "not a flepimop2 job handle file (expected 'key', 'handle' with job_id, backend, submitted_at)";
            return null!;
        }

        var config = obj["job_config"] as JsonObject ?? [];
        obj.Remove("job_config");
        return new StoredJob(key, handle, config);
    }

    /// <summary>Parses <c>summary.json</c>, skipping (and reporting) entries that are not well formed.</summary>
    public static List<JobSummaryEntry> ParseSummary(ReadOnlySpan<byte> bytes, List<string> problems)
    {
        var entries = new List<JobSummaryEntry>();
        if (bytes.Length == 0)
        {
            problems.Add("the file is empty");
            return entries;
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                problems.Add("expected a JSON array of job entries");
                return entries;
            }

            var index = 0;
            string? lastBackend = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (ReadEntry(ref reader, ref lastBackend) is { } entry)
                {
                    entries.Add(entry);
                }
                else
                {
                    problems.Add($"entry {index} is not a job entry (key, backend, job_id, submitted_at)");
                }

                index++;
            }
        }
        catch (JsonException ex)
        {
            problems.Add(Invalid(ex));
        }

        return entries;
    }

    private static JobSummaryEntry? ReadEntry(ref Utf8JsonReader reader, ref string? lastBackend)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? key = null, backend = null, jobId = null, submittedText = null;
        DateTimeOffset? submitted = null;
        JobStatus? status = null;
        SweepCounts? tasks = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Names compared as UTF-8 and only the wanted values decoded: a large store has one entry per job, so the
            // backend (the same for most) is shared, and the time and status are read without making strings.
            var field = FieldIndex(ref reader, EntryNames) + 1;
            reader.Read();
            if (field == 6 && reader.TokenType == JsonTokenType.StartObject)
            {
                tasks = ReadCounts(ref reader);
                continue;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.String || field == 0)
            {
                continue;
            }

            switch (field)
            {
                case 1: key = reader.GetString(); break;
                case 2: backend = lastBackend is not null && reader.ValueTextEquals(lastBackend) ? lastBackend : lastBackend = reader.GetString(); break;
                case 3: jobId = reader.GetString(); break;
                case 4:
                    if (!reader.ValueIsEscaped && IsoTime.TryParse(reader.ValueSpan, out var at))
                    {
                        submitted = at;
                    }
                    else
                    {
                        submittedText = reader.GetString();
                    }

                    break;
                default: status = Status(ref reader); break;
            }
        }

        if (submitted is null && IsoTime.TryParse(submittedText, out var parsed))
        {
            submitted = parsed;
        }

        if (key is null || backend is null || jobId is null || submitted is null)
        {
            return null;
        }

        return new JobSummaryEntry(key, backend, jobId, submitted.Value, status) { Tasks = tasks };
    }

    /// <summary>Reads a sweep's counts (the reader is on the object's start and is left on its end); null when malformed.</summary>
    /// <summary>The fields of a summary entry that are read, numbered from 1 in <see cref="ReadEntry"/>.</summary>
    private static readonly byte[][] EntryNames = [.. new[] { "key", "backend", "job_id", "submitted_at", "status", "tasks" }.Select(Encoding.UTF8.GetBytes)];

    /// <summary>The fields of a summary entry's task counts, in the order of <see cref="SweepCounts"/>'s parameters.</summary>
    private static readonly byte[][] CountNames = [.. new[] { "total", "successful", "failed", "finished_unknown", "running", "pending" }.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Which of <paramref name="names"/> the current property name is (compared as UTF-8), or -1.</summary>
    private static int FieldIndex(ref Utf8JsonReader reader, byte[][] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static SweepCounts? ReadCounts(ref Utf8JsonReader reader)
    {
        var counts = new int[6];
        var seen = 0;
        var damaged = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldIndex(ref reader, CountNames);
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                damaged |= field >= 0;
            }
            else if (field >= 0 && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 0)
            {
                counts[field] = n;
                seen |= 1 << field;
            }
            else
            {
                damaged |= field >= 0;
            }
        }

        // One count that cannot be read makes them all untrustworthy: a sweep with failures must not list as one without.
        return damaged || (seen & 1) == 0 || counts[1..].Sum(c => (long)c) > counts[0]
            ? null
            : new SweepCounts(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    private static JobStatus? Status(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("successful"u8) ? JobStatus.Successful
        : reader.ValueTextEquals("failed"u8) ? JobStatus.Failed
        : reader.ValueTextEquals("running"u8) ? JobStatus.Running
        : reader.ValueTextEquals("pending"u8) ? JobStatus.Pending
        : reader.ValueTextEquals("finished_unknown"u8) ? JobStatus.FinishedUnknown
        : null;

    private static string Invalid(JsonException ex) =>
        $"not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}): cut short or not JSON";

    private static string? OptionText(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
