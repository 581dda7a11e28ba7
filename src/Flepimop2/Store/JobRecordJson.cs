using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Store;

/// <summary>
/// The JSON of job records, with the original program's field names, written and read without reflection (Native AOT
/// safe). A handle is <c>{"job_id", "backend", "submitted_at", "metadata"}</c> (as the original's pydantic model dumps it,
/// <c>submitted_at</c> ISO 8601 UTC with <c>Z</c>); a status result adds <c>"status"</c> and <c>"detail"</c>; a dry run is
/// <c>{"command", "details"}</c>. Whatever is written here reads back equal, so a program can keep handles as JSON and ask
/// about the jobs later without a <see cref="JobStore"/>.
/// </summary>
public static class JobRecordJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonDocumentOptions ReaderOptions = new() { AllowTrailingCommas = false, MaxDepth = 256 };

    /// <summary>Writes a handle as one JSON object.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="handle">The handle.</param>
    /// <param name="withKey">Also write its store key first (<c>"key"</c>), as <c>job process --json</c> does.</param>
    public static void Write(Utf8JsonWriter writer, JobHandle handle, bool withKey = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(handle);
        writer.WriteStartObject();
        if (withKey)
        {
            writer.WriteString("key", handle.Key);
        }

        WriteHandleFields(writer, handle);
        if (handle is JobStatusResult result)
        {
            writer.WriteString("status", result.Status.ToWireName());
            WriteField(writer, "detail", result.Detail, WriteMap);
            WriteField(writer, "tasks", result.Sweep, WriteSweep);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a dry run as one JSON object: <c>{"command", "details"}</c>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="dryRun">The dry run.</param>
    public static void Write(Utf8JsonWriter writer, JobDryRun dryRun)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dryRun);
        writer.WriteStartObject();
        writer.WriteString("command", dryRun.Command);
        writer.WriteStartObject("details");
        foreach (var (key, value) in dryRun.Details)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A handle (or status result) as indented JSON.</summary>
    /// <param name="handle">The handle.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(JobHandle handle) => Text(writer => Write(writer, handle));

    /// <summary>A dry run as indented JSON.</summary>
    /// <param name="dryRun">The dry run.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(JobDryRun dryRun) => Text(writer => Write(writer, dryRun));

    /// <summary>Reads a handle written by <see cref="Write(Utf8JsonWriter, JobHandle, bool)"/> or by the original.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="JobRecordException">The text is not a handle; the message says what is missing.</exception>
    public static JobHandle ReadHandle(string json) =>
        ReadHandle(ParseObject(json, "a job handle")) ?? throw Missing("a job handle", "job_id, backend and submitted_at");

    /// <summary>Reads a status result: a handle with <c>"status"</c> and <c>"detail"</c>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The status result.</returns>
    /// <exception cref="JobRecordException">The text is not a status result.</exception>
    public static JobStatusResult ReadStatusResult(string json)
    {
        var node = ParseObject(json, "a job status");
        var handle = ReadHandle(node) ?? throw Missing("a job status", "job_id, backend and submitted_at");
        if (!JobStatusExtensions.TryParseWireName(Text(node, "status"), out var status))
        {
            throw Missing("a job status", "a status (pending, running, successful, failed or finished_unknown)");
        }

        return new JobStatusResult(handle, status) { Detail = Map(node["detail"]), Sweep = ReadSweep(node["tasks"]) };
    }

    /// <summary>Reads a dry run: <c>{"command", "details"}</c>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The dry run.</returns>
    /// <exception cref="JobRecordException">The text is not a dry run.</exception>
    public static JobDryRun ReadDryRun(string json)
    {
        var node = ParseObject(json, "a dry run");
        var command = Text(node, "command") ?? throw Missing("a dry run", "a command");
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node["details"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                details[key] = JsonText.Of(value) ?? throw Missing("a dry run", $"a text value for detail '{key}'");
            }
        }

        return new JobDryRun(command, details);
    }

    /// <summary>The handle in a parsed object, or null when a required field is missing or of the wrong kind.</summary>
    internal static JobHandle? ReadHandle(JsonObject node)
    {
        if (Text(node, "job_id") is not { } jobId
            || Text(node, "backend") is not { } backend
            || !IsoTime.TryParse(Text(node, "submitted_at"), out var submittedAt))
        {
            return null;
        }

        return new JobHandle(jobId, backend, submittedAt) { Metadata = Map(node["metadata"]), Provenance = ReadProvenance(node["provenance"]) };
    }

    /// <summary>
    /// Writes a provenance: <c>{"config_path", "config_sha256", "config_copy", "git_commit", "git_dirty", "version",
    /// "command", "environment", "script_path"}</c>, what is unknown as null.
    /// </summary>
    internal static void WriteProvenance(Utf8JsonWriter writer, JobProvenance provenance)
    {
        writer.WriteStartObject();
        WriteText(writer, "config_path", provenance.ConfigPath);
        WriteText(writer, "config_sha256", provenance.ConfigSha256);
        WriteText(writer, "config_copy", provenance.ConfigCopy);
        WriteText(writer, "git_commit", provenance.GitCommit);
        if (provenance.GitDirty is { } dirty)
        {
            writer.WriteBoolean("git_dirty", dirty);
        }
        else
        {
            writer.WriteNull("git_dirty");
        }

        WriteText(writer, "version", provenance.Version);
        writer.WriteStartArray("command");
        foreach (var argument in provenance.Command)
        {
            writer.WriteStringValue(argument);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("environment");
        foreach (var (name, value) in provenance.Environment)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        WriteText(writer, "script_path", provenance.ScriptPath);
        writer.WriteEndObject();
    }

    /// <summary>A recorded provenance; null when there is none or it is not an object. A field of the wrong kind reads as unknown.</summary>
    private static JobProvenance? ReadProvenance(JsonNode? node)
    {
        if (node is not JsonObject provenance)
        {
            return null;
        }

        // An argv with anything but text in it is not the exact command any more: it reads as unknown, whole.
        List<string> command = provenance["command"] is JsonArray argv && argv.All(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            ? [.. argv.Select(a => a!.GetValue<string>())]
            : [];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (provenance["environment"] is JsonObject variables)
        {
            foreach (var (name, value) in variables)
            {
                if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String)
                {
                    environment[name] = text.GetValue<string>();
                }
            }
        }

        bool? dirty = provenance["git_dirty"] is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? flag.GetValue<bool>() : null;
        return new JobProvenance(
            Text(provenance, "config_path"),
            Text(provenance, "config_sha256"),
            Text(provenance, "config_copy"),
            Text(provenance, "git_commit"),
            dirty,
            Text(provenance, "version"),
            command,
            environment,
            Text(provenance, "script_path"));
    }

    /// <summary>A sweep's counts: <c>{"total", "successful", "failed", "finished_unknown", "running", "pending"}</c>.</summary>
    internal static void WriteCounts(Utf8JsonWriter writer, SweepCounts counts)
    {
        writer.WriteStartObject();
        writer.WriteNumber("total", counts.Total);
        foreach (var (status, count) in counts.Named())
        {
            writer.WriteNumber(status, count);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// A sweep's tasks: the counts, the failed indices, and each task's status, exit code, backend id, and the figures of
    /// what it used (<see cref="JobDetailKeys.PerTask"/>).
    /// </summary>
    internal static void WriteSweep(Utf8JsonWriter writer, SweepStatus sweep)
    {
        var counts = sweep.Counts();
        writer.WriteStartObject();
        writer.WriteNumber("total", counts.Total);
        foreach (var (status, count) in counts.Named())
        {
            writer.WriteNumber(status, count);
        }

        writer.WriteStartArray("failed_indices");
        foreach (var index in sweep.FailedIndices)
        {
            writer.WriteNumberValue(index);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("list");
        foreach (var task in sweep.Tasks)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", task.Index);
            writer.WriteString("status", task.Status.ToWireName());
            if (task.ExitCode is { } code)
            {
                writer.WriteNumber("exit_code", code);
            }

            if (task.BackendId is { } id)
            {
                writer.WriteString("job_id", id);
            }

            // What the task used, and the advice when it ran out of memory or time: the rest of its detail is for --task.
            foreach (var key in JobDetailKeys.PerTask)
            {
                if (task.Detail.GetValueOrDefault(key) is { } value)
                {
                    writer.WritePropertyName(key);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static SweepStatus? ReadSweep(JsonNode? node)
    {
        if (node is not JsonObject sweep || sweep["list"] is not JsonArray list)
        {
            return null;
        }

        var tasks = new List<SweepTaskStatus>(list.Count);
        foreach (var item in list)
        {
            if (item is not JsonObject task || JsonText.Int64(task["index"]) is not (>= 0 and < JobRequest.MaxTasks and var index)
                || !JobStatusExtensions.TryParseWireName(Text(task, "status"), out var status))
            {
                throw Missing("a job status", "tasks with an index and a status");
            }

            tasks.Add(new SweepTaskStatus((int)index, status)
            {
                ExitCode = JsonText.Int64(task["exit_code"]) is (>= int.MinValue and <= int.MaxValue) and var code ? (int)code : null,
                BackendId = Text(task, "job_id"),
                Detail = JobDetailKeys.PerTask.Where(task.ContainsKey).ToDictionary(key => key, key => task[key]?.DeepClone(), StringComparer.Ordinal),
            });
        }

        return new SweepStatus(tasks);
    }

    /// <summary>Writes <c>"name": value</c> when there is a value.</summary>
    internal static void WriteField<T>(Utf8JsonWriter writer, string name, T? value, Action<Utf8JsonWriter, T> write)
        where T : class
    {
        if (value is not null)
        {
            writer.WritePropertyName(name);
            write(writer, value);
        }
    }

    internal static void WriteHandleFields(Utf8JsonWriter writer, JobHandle handle)
    {
        writer.WriteString("job_id", handle.JobId);
        writer.WriteString("backend", handle.Backend);
        writer.WriteString("submitted_at", IsoTime.Format(handle.SubmittedAt));
        writer.WritePropertyName("metadata");
        WriteMap(writer, handle.Metadata);

        // A key the original's handle model does not have: pydantic ignores it when it reads the record.
        WriteField(writer, "provenance", handle.Provenance, WriteProvenance);
    }

    private static void WriteText(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    internal static void WriteMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonNode?> map)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in map)
        {
            writer.WritePropertyName(key);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static Dictionary<string, JsonNode?> Map(JsonNode? node)
    {
        var map = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (node is JsonObject values)
        {
            foreach (var (key, value) in values)
            {
                map[key] = value?.DeepClone();
            }
        }

        return map;
    }

    private static JsonObject ParseObject(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonNode.Parse(json, documentOptions: ReaderOptions) as JsonObject ?? throw Missing(what, "a JSON object");
        }
        catch (JsonException ex)
        {
            throw new JobRecordException($"not {what}: not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})", ex);
        }
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static JobRecordException Missing(string what, string expected) => new($"not {what}: expected {expected}");

    private static string Text(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
