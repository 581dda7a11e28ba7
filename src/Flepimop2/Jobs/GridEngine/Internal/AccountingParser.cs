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
    /// <summary>The last record of each job or task among <paramref name="jobIds"/>, keyed as <see cref="QstatXmlParser.Key"/>; lines that are not records are skipped.</summary>
    public static Dictionary<string, GridEngineAccountingRecord> Parse(IEnumerable<string> lines, IReadOnlySet<string> jobIds)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(jobIds);
        var records = new Dictionary<string, GridEngineAccountingRecord>(StringComparer.Ordinal);
        var wanted = new HashSet<string>(jobIds, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // The job id is field 6: looked at in place, so that only the lines of jobs asked about (a few among a cell's
            // many thousands) are split.
            if (!wanted.Contains(SeparatedFields.At(line, 5, ':')))
            {
                continue;
            }

            var fields = line.Split(':');
            if (fields.Length < 43 || ParseLine(fields) is not { } record)
            {
                continue;
            }

            records[QstatXmlParser.Key(record.JobId, record.Task)] = record;
        }

        return records;
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
