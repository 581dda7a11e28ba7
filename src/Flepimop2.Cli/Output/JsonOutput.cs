using System.Text.Encodings.Web;
using System.Text.Json;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Output;

/// <summary>Machine-readable output: the library's record format (<see cref="JobRecordJson"/>), indented.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteStatus(TextWriter output, JobStatusResult result) =>
        Write(output, writer => JobRecordJson.Write(writer, result));

    public static void WriteList(TextWriter output, IEnumerable<TrackedJob> jobs) =>
        Write(output, writer =>
        {
            writer.WriteStartArray();
            foreach (var job in jobs)
            {
                WriteListed(writer, job);
            }

            writer.WriteEndArray();
        });

    public static void WriteHandle(TextWriter output, JobHandle handle) =>
        Write(output, writer => JobRecordJson.Write(writer, handle, withKey: true));

    public static void WriteDryRun(TextWriter output, JobDryRun dryRun) =>
        Write(output, writer => JobRecordJson.Write(writer, dryRun));

    /// <summary>
    /// One job of a listing: <c>{"key", "backend", "job_id", "submitted_at", "status"}</c>, the status being <c>unknown</c>
    /// when it could not be found out, with <c>"detail"</c> when the backend was asked and <c>"tasks"</c> for a sweep.
    /// </summary>
    internal static void WriteListed(Utf8JsonWriter writer, TrackedJob job)
    {
        writer.WriteStartObject();
        writer.WriteString("key", job.Entry.Key);
        writer.WriteString("backend", job.Entry.Backend);
        writer.WriteString("job_id", job.Entry.JobId);
        writer.WriteString("submitted_at", IsoTime.Format(job.Entry.SubmittedAt));
        writer.WriteString("status", job.StatusName);
        JobRecordJson.WriteField(writer, "detail", job.Result?.Detail, JobRecordJson.WriteMap);
        JobRecordJson.WriteField(writer, "tasks", job.Tasks, JobRecordJson.WriteCounts);
        writer.WriteEndObject();
    }

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
