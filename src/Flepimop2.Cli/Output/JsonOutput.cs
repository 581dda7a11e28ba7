using System.Text.Encodings.Web;
using System.Text.Json;
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
                JobRecordJson.Write(writer, job);
            }

            writer.WriteEndArray();
        });

    public static void WriteHandle(TextWriter output, JobHandle handle) =>
        Write(output, writer => JobRecordJson.Write(writer, handle, withKey: true));

    public static void WriteDryRun(TextWriter output, JobDryRun dryRun) =>
        Write(output, writer => JobRecordJson.Write(writer, dryRun));

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
