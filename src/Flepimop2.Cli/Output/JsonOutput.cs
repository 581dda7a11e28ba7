using System.Text.Encodings.Web;
using System.Text.Json;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Store.Internal;

namespace Flepimop2.Cli.Output;

/// <summary>Machine-readable output with the field names of the store's files.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteStatus(TextWriter output, JobStatusResult result) =>
        Write(output, writer => StoreJson.WriteStatusResult(writer, result));

    public static void WriteList(TextWriter output, IEnumerable<TrackedJob> jobs) =>
        Write(output, writer =>
        {
            writer.WriteStartArray();
            foreach (var job in jobs)
            {
                writer.WriteStartObject();
                writer.WriteString("key", job.Entry.Key);
                writer.WriteString("backend", job.Entry.Backend);
                writer.WriteString("job_id", job.Entry.JobId);
                writer.WriteString("submitted_at", Internal.IsoTime.Format(job.Entry.SubmittedAt));
                writer.WriteString("status", job.StatusName);
                if (job.Result is { } result)
                {
                    writer.WritePropertyName("detail");
                    StoreJson.WriteMap(writer, result.Detail);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });

    public static void WriteHandle(TextWriter output, JobHandle handle) =>
        Write(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("key", handle.Key);
            StoreJson.WriteHandleFields(writer, handle);
            writer.WriteEndObject();
        });

    public static void WriteDryRun(TextWriter output, JobDryRun dryRun) =>
        Write(output, writer => StoreJson.WriteDryRun(writer, dryRun));

    private static void Write(TextWriter output, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            body(writer);
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
