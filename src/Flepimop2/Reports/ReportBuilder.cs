using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Reports;

/// <summary>
/// Builds a <see cref="JobReport"/> from stored jobs and the status results <c>job status</c> gets for them: nothing is asked
/// or read again here, every figure is the status's own (its detail, its sweep's tasks), so the report says what
/// <c>job status</c> says.
/// </summary>
internal static class ReportBuilder
{
    /// <summary>Builds the report.</summary>
    /// <param name="jobs">Each job with its status, in the order asked; the report puts them in submission order (a chain's order).</param>
    /// <param name="generatedAt">When the statuses were asked for.</param>
    /// <param name="generator">What makes the report (program and version).</param>
    /// <param name="retryCommand">The <c>job retry</c> command a status advises, if any (the CLI's hint).</param>
    public static JobReport Build(
        IReadOnlyList<(StoredJob Job, JobStatusResult Status)> jobs, DateTimeOffset generatedAt, string generator, Func<JobStatusResult, string?>? retryCommand = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var built = jobs
            .Select((pair, order) => (Job: Job(pair.Job, pair.Status, retryCommand), Order: order))
            .OrderBy(j => j.Job.SubmittedAt)
            .ThenBy(j => j.Order)
            .Select(j => j.Job)
            .ToList();
        return new JobReport(generatedAt, generator, built);
    }

    private static ReportJob Job(StoredJob stored, JobStatusResult status, Func<JobStatusResult, string?>? retryCommand)
    {
        IReadOnlyList<ReportTask> tasks = status.Sweep is { } sweep
            ? [.. sweep.Tasks.Select(t => Task(t.Index, t.Status, t.Detail, t.ExitCode))]
            : [Task(null, status.Status, status.Detail, null)];
        var command = status.RecordedCommand is { } recorded
            ? ShellQuote.Join(recorded.RunsFlepimop2 ? ["flepimop2", .. recorded.Argv] : recorded.Argv)
            : null;
        return new ReportJob(stored.Key, status.Status, status.SubmittedAt, tasks)
        {
            Backend = status.Backend,
            IsSweep = status.Sweep is not null,
            Target = status.Target,
            CommandLine = command,
            Runner = Runner(stored.JobConfig),
            DetailLines = [.. status.DetailLines()],
            Provenance = ReportProvenance.Of(status),
            RetryCommand = retryCommand?.Invoke(status),
        };
    }

    /// <summary>One row from a status detail: times, exit, reason and usage, each where the detail has it.</summary>
    internal static ReportTask Task(int? index, JobStatus status, IReadOnlyDictionary<string, JsonNode?> detail, int? exitCode)
    {
        DateTimeOffset? started = Time(detail, JobDetailKeys.StartedAt);
        DateTimeOffset? ended = Time(detail, JobDetailKeys.EndedAt);
        var elapsed = Number(detail, JobDetailKeys.ElapsedSeconds);

        // A record with one end of the run and its length gives the other.
        if (elapsed is { } seconds && seconds >= 0 && seconds < 1e9)
        {
            started ??= ended - TimeSpan.FromSeconds(seconds);
            ended ??= status.IsFinished() ? started + TimeSpan.FromSeconds(seconds) : null;
        }

        var code = exitCode ?? Whole(detail, "exit_code") ?? Whole(detail, "returncode");
        return new ReportTask(index, status)
        {
            StartedAt = started,
            EndedAt = status.IsFinished() ? ended : null,
            ExitCode = code is { } c && c is >= int.MinValue and <= int.MaxValue ? (int)c : null,
            Reason = JsonText.Of(detail.GetValueOrDefault("reason")) is { Length: > 0 } reason ? Printable.Escape(reason) : null,
            PeakBytes = (Whole(detail, JobDetailKeys.MaxRssBytes) ?? Whole(detail, "peak_rss_bytes")) is >= 0 and var peak ? peak : null,
            RequestBytes = Whole(detail, JobDetailKeys.ReqMemBytes) is > 0 and var request ? request : null,
            ElapsedSeconds = elapsed is >= 0 ? elapsed : null,
            LimitSeconds = Number(detail, JobDetailKeys.TimeLimitSeconds) is > 0 and var limit ? limit : null,
        };
    }

    /// <summary>The runner's configuration as <c>name: value</c> entries, without the unset ones; an environment by its names only (its values may be secrets).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Runner(JsonObject config)
    {
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in config)
        {
            if (value is null)
            {
                continue;
            }

            var text = name == "env" && value is JsonObject env
                ? string.Join(", ", env.Select(kv => kv.Key)) + " (values not shown)"
                : JsonText.Display(value);
            entries.Add(KeyValuePair.Create(Printable.Escape(name), Printable.Escape(text)));
        }

        return entries;
    }

    private static DateTimeOffset? Time(IReadOnlyDictionary<string, JsonNode?> detail, string key) =>
        IsoTime.TryParse(JsonText.Of(detail.GetValueOrDefault(key)), out var time) ? time : null;

    private static double? Number(IReadOnlyDictionary<string, JsonNode?> detail, string key) =>
        double.TryParse(JsonText.Of(detail.GetValueOrDefault(key)), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
        && double.IsFinite(number) ? number : null;

    private static long? Whole(IReadOnlyDictionary<string, JsonNode?> detail, string key) => JsonText.Int64(detail.GetValueOrDefault(key));
}
