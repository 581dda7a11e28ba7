using System.Globalization;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// Reads the accounting file (accounting(5)): comment lines start with <c>#</c>, every other line is one ended run of a job
/// or array task, 45 fields separated by <c>:</c> (a job name cannot hold one). A job that Grid Engine ran again
/// (rescheduled, requeued) has a line per run; the last is its end.
/// </summary>
internal static class AccountingParser
{
    /// <summary>
    /// Whether a line is a record of a job among <paramref name="wanted"/>: its job id (field 6) is looked at in place, so
    /// only the lines of jobs asked about (a few among a cell's many thousands) are decoded and split.
    /// </summary>
    public static bool IsJobAmong(ReadOnlySpan<byte> line, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> wanted)
    {
        var id = SeparatedFields.At(line, 5, (byte)':');
        if (line.IsEmpty || line[0] == (byte)'#' || id.IsEmpty || id.Length > 32)
        {
            return false;
        }

        Span<char> text = stackalloc char[id.Length];
        for (var i = 0; i < id.Length; i++)
        {
            text[i] = (char)id[i];
        }

        return wanted.Contains(text);
    }

    /// <summary>
    /// When the run a record line describes ended (field 11), in seconds since the epoch, read in place; null for a line that
    /// is not a record or says no end. Cells that write milliseconds (Univa, Altair) are read as seconds too.
    /// </summary>
    public static long? EndTime(ReadOnlySpan<byte> line)
    {
        var field = SeparatedFields.At(line, 10, (byte)':');
        if (line.IsEmpty || line[0] == (byte)'#'
            || !System.Buffers.Text.Utf8Parser.TryParse(field, out long end, out var used) || used != field.Length || end < 0)
        {
            return null;
        }

        return end > 100_000_000_000 ? end / 1000 : end;
    }

    /// <summary>One record from its fields, or null when a field that must be a number is not.</summary>
    public static GridEngineAccountingRecord? ParseLine(string[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Length < 43
            || !QsubParser.IsJobId(fields[5])
            || !int.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var failed)
            || !int.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var exitStatus)
            || !int.TryParse(fields[35], NumberStyles.Integer, CultureInfo.InvariantCulture, out var task))
        {
            return null;
        }

        return new GridEngineAccountingRecord(
            fields[5],
            task == 0 ? null : task,
            failed,
            exitStatus,
            Whole(fields[9]) ?? 0,
            Whole(fields[10]) ?? 0,
            Whole(fields[13]) ?? 0,
            Number(fields[16]) is { } rssKiB ? (long)(rssKiB * 1024) : null,
            Number(fields[36]),
            Number(fields[42]) is { } vmem ? (long)vmem : null,
            (int?)Whole(fields[34]));
    }

    private static long? Whole(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : Number(text) is { } number ? (long)number : null;

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
