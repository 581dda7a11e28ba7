using System.Globalization;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>sacct -P -n -o JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList,MaxRSS,ReqMem,TotalCPU,AllocCPUS,Timelimit</c>: one
/// <c>id|raw id|STATE|code:signal|elapsed|nodes|peak|request|cpu time|cpus|limit</c> line per job, and after it one per step
/// of the job (<c>4211.batch</c>, <c>4211_17.batch</c>, <c>4211.0</c>). A job is keyed by its <c>JobID</c>: an ordinary job's is
/// its raw id, an array task's is <c>4211_17</c>, and pending tasks come as one line for a range (<c>4211_[20-999%50]</c>),
/// which stands for each of them. A task's own line wins over a range; of two lines of the same kind, the last. A range is
/// read only as <c>PENDING</c> or <c>CANCELLED</c> (tasks cancelled before they started): its state is that of the array's
/// own record, which the array's last task takes over when it starts, so a range showing <c>FAILED</c> tells the end of that
/// task, not of the range's.
/// </summary>
/// <remarks>
/// Steps are folded into their job: the job's peak memory is the largest <c>MaxRSS</c> of any step (the allocation line has
/// none), and its CPU time the allocation line's <c>TotalCPU</c> (the sum of its steps'), or the steps' sum when that is
/// missing. A step line is read without splitting it (two fields are looked up in place), since a sweep has one per task.
/// </remarks>
internal static class SacctParser
{
    public const string Fields = "JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList,MaxRSS,ReqMem,TotalCPU,AllocCPUS,Timelimit";

    private const int ElapsedField = 4;
    private const int MaxRssField = 6;
    private const int ReqMemField = 7;
    private const int TotalCpuField = 8;
    private const int AllocCpusField = 9;
    private const int TimelimitField = 10;

    public static Dictionary<string, SlurmJobRow> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var rows = new Dictionary<string, SlurmJobRow>(StringComparer.Ordinal);
        var steps = new Dictionary<string, StepFigures>(StringComparer.Ordinal);
        var stepsByParent = steps.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var line in SlurmText.Lines(stdout))
        {
            var span = line.AsSpan();
            var idEnd = span.IndexOf('|');
            var id = (idEnd < 0 ? span : span[..idEnd]).Trim();
            var dot = id.IndexOf('.');
            if (dot >= 0)
            {
                AddStep(stepsByParent, id[..dot], span);
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length < 3)
            {
                continue;
            }

            var (code, signal) = ParseExitCode(SlurmText.Field(fields, 3));
            var jobId = fields[0].Trim();
            var state = SlurmStates.Normalize(fields[2]);
            var range = SlurmArrayIds.IsRange(jobId);
            if (range && state is not ("PENDING" or "CANCELLED"))
            {
                continue;
            }

            var elapsed = SlurmText.Field(fields, ElapsedField);
            var nodes = SlurmText.Field(fields, 5, "None assigned", "(null)");
            var cancelledBy = CancelledBy(fields[2]);
            var usage = Usage(fields, elapsed);
            SlurmText.AddRows(rows, jobId, (id, fromRange) => new SlurmJobRow(id, state, code, signal, elapsed, nodes, CancelledBy: cancelledBy, FromRange: fromRange, Usage: usage));
        }

        foreach (var (parent, figures) in steps)
        {
            if (rows.TryGetValue(parent, out var row) && !row.FromRange && row.Usage is { } usage)
            {
                rows[parent] = row with
                {
                    Usage = usage with
                    {
                        MaxRssBytes = Max(usage.MaxRssBytes, figures.MaxRssBytes),
                        TotalCpuSeconds = usage.TotalCpuSeconds is > 0 || figures.CpuSeconds is null ? usage.TotalCpuSeconds : figures.CpuSeconds,
                    },
                };
            }
        }

        return rows;
    }

    /// <summary>Splits Slurm's <c>code:signal</c>, for example <c>7:0</c> or <c>0:15</c>.</summary>
    public static (int? Code, int? Signal) ParseExitCode(string? text)
    {
        if (text is null)
        {
            return (null, null);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var codeText = colon < 0 ? text : text[..colon];
        var signalText = colon < 0 ? null : text[(colon + 1)..];
        return (Number(codeText), Number(signalText));

        static int? Number(string? s) =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string? CancelledBy(string state)
    {
        const string Marker = " by ";
        var at = state.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? null : state[(at + Marker.Length)..].Trim();
    }

    private static JobUsage Usage(string[] fields, string? elapsed)
    {
        var allocCpus = int.TryParse(SlurmText.Field(fields, AllocCpusField), NumberStyles.None, CultureInfo.InvariantCulture, out var cpus) ? cpus : (int?)null;
        var limit = SlurmText.Field(fields, TimelimitField);
        return new JobUsage(
            ElapsedSeconds: SlurmUnits.TrySeconds(elapsed, out var seconds) ? (long)seconds : null,
            TimeLimit: limit,
            TimeLimitSeconds: SlurmUnits.TrySeconds(limit, out var limitSeconds) ? (long)limitSeconds : null,
            MaxRssBytes: SlurmUnits.TryBytes(SlurmText.Field(fields, MaxRssField), out var rss) ? rss : null,
            ReqMemBytes: SlurmUnits.TryRequestedMemory(SlurmText.Field(fields, ReqMemField), allocCpus, out var requested) ? requested : null,
            TotalCpuSeconds: SlurmUnits.TrySeconds(SlurmText.Field(fields, TotalCpuField), out var cpu) ? cpu : null,
            AllocCpus: allocCpus);
    }

    /// <summary>Adds one step line's peak and CPU time to its job's, looking up the two fields in place.</summary>
    private static void AddStep(Dictionary<string, StepFigures>.AlternateLookup<ReadOnlySpan<char>> steps, ReadOnlySpan<char> parent, ReadOnlySpan<char> line)
    {
        long? rss = SlurmUnits.TryBytes(SeparatedFields.At(line, MaxRssField, '|'), out var bytes) ? bytes : null;
        double? cpu = SlurmUnits.TrySeconds(SeparatedFields.At(line, TotalCpuField, '|'), out var seconds) ? seconds : null;
        if (rss is null && cpu is null)
        {
            return;
        }

        var figures = steps.TryGetValue(parent, out var known) ? known : default;
        steps[parent] = new StepFigures(Max(figures.MaxRssBytes, rss), cpu is null ? figures.CpuSeconds : (figures.CpuSeconds ?? 0) + cpu);
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    /// <summary>The steps of one job so far: the largest peak, and the CPU time summed.</summary>
    private readonly record struct StepFigures(long? MaxRssBytes, double? CpuSeconds);
}
