using Flepimop2.Internal;
using Flepimop2.Store;

namespace Flepimop2.Cli.Output;

/// <summary>One job of <c>job list</c>: <c>{backend}-{job_id} submitted_at=... status=... [tasks=...]</c>.</summary>
internal static class ListLine
{
    /// <summary>Writes the line, with control characters of a hostile record written as escapes; no string is made for it.</summary>
    public static void Write(TextWriter writer, TrackedJob job)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(job);
        Span<char> time = stackalloc char[19];
        IsoTime.FormatSeconds(job.Entry.SubmittedAt, time);
        writer.Write(Printable.Escape(job.Entry.Backend));
        writer.Write('-');
        writer.Write(Printable.Escape(job.Entry.JobId));
        writer.Write(" submitted_at=");
        writer.Write(time);
        writer.Write(" status=");
        writer.Write(job.StatusName);
        if (job.Tasks is { } tasks)
        {
            writer.Write(' ');
            writer.Write(tasks.ToString());
        }

        writer.WriteLine();
    }
}
