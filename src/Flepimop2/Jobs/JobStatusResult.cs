using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs;

/// <summary>A <see cref="JobHandle"/> with the job's status and backend-specific details.</summary>
public sealed record JobStatusResult : JobHandle
{
    /// <summary>Creates a status result for a handle.</summary>
    /// <param name="handle">The handle that was queried.</param>
    /// <param name="status">The status found.</param>
    public JobStatusResult(JobHandle handle, JobStatus status)
        : base(handle)
    {
        Status = status;
    }

    /// <summary>The current lifecycle state.</summary>
    public JobStatus Status { get; init; }

    /// <summary>Backend-specific details (return code, Slurm state, reason, ...).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Detail { get; init; } = EmptyJson.Map;

    /// <summary>For a sweep, where each of its tasks stands; null for an ordinary job.</summary>
    public SweepStatus? Sweep { get; init; }

    /// <summary>The handle line followed by <c>status={status}</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => $"{base.ToString()} status={Status.ToWireName()}";

    /// <summary>
    /// The detail for a terminal, one <c>name: value</c> line each (text as it is, other values as compact JSON), with
    /// control characters written as escapes.
    /// </summary>
    /// <returns>The lines, in the detail's order.</returns>
    public IEnumerable<string> DetailLines()
    {
        foreach (var (key, value) in Detail)
        {
            yield return $"{Printable.Escape(key)}: {Printable.Escape(JsonText.Display(value))}";
        }

        if (RecordedCommand is { } command)
        {
            // Quoted as a shell would need it, so the line can be read exactly (and pasted).
            var words = command.RunsFlepimop2 ? ["flepimop2", .. command.Argv] : command.Argv;
            yield return $"command: {Printable.Escape(ShellQuote.Join(words))}";
        }

        if (After is { Count: > 0 } after)
        {
            yield return $"after: {Printable.Escape(string.Join(", ", after))}";
        }

        if (RetryOf is { } retryOf)
        {
            yield return $"retry of: {Printable.Escape(retryOf)}";
        }

        if (RetriedAs is { } retriedAs)
        {
            yield return $"retried as: {Printable.Escape(retriedAs)}";
        }

        if (Sweep is { } sweep)
        {
            var counts = sweep.Counts();
            yield return $"tasks: {counts.Total} ({string.Join(", ", counts.Named().Where(c => c.Count > 0).Select(c => $"{c.Count} {c.Status}"))})";
            var failed = sweep.FailedIndices;
            if (failed.Count > 0)
            {
                // A terminal line, not a report: the first ones, and how many more (--json has them all).
                const int Shown = 50;
                var more = failed.Count > Shown ? $" ... and {failed.Count - Shown} more" : string.Empty;
                yield return $"failed tasks: {string.Join(", ", failed.Take(Shown))}{more}";
            }
        }
    }
}
