using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Store.Internal;

/// <summary>
/// The answers of the store's latest status rounds, one file per job under <c>rounds/</c> with the time its round began,
/// so that concurrent <c>job watch</c>, <c>job wait</c> and <c>job list</c> on one store share one scheduler round per
/// interval without a daemon. A round is asked under a lock per module, so a caller that comes while another asks waits
/// for that answer instead of asking too. Every file here is only a hint: one that is missing, damaged, of another job or
/// from the future is not used, and the backend is asked.
/// </summary>
internal sealed class SharedRounds(string root, TimeProvider clock)
{
    /// <summary>The largest answer read back (a 10,000-task sweep's is about 2 MB).</summary>
    private const long MaxBytes = 64L << 20;

    /// <summary>How far in the future a round's time may lie (clocks of hosts sharing a store differ a little).</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(2);

    private string Directory => Path.Combine(root, "rounds");

    /// <summary>How long a caller waits for another's round before it asks on its own.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Takes the round lock of <paramref name="module"/>; null when it cannot be had in time (the caller asks alone).</summary>
    public IDisposable? Enter(string module, CancellationToken cancellationToken)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            return FileLock.Acquire(Path.Combine(Directory, $".lock-{Hash(module)}"), LockWait, cancellationToken);
        }
        catch (Exception ex) when (ex is Flepimop2Exception or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The answer kept for <paramref name="job"/> from a round that began at <paramref name="notBefore"/> or later (and
    /// after <paramref name="newerThan"/>, the round of an answer the caller already has), made the job's own (its handle
    /// as the store has it), with the times its round began and ended; null when there is none fit to use.
    /// </summary>
    public (JobStatusResult Result, DateTimeOffset AskedAt, DateTimeOffset AnsweredAt)? Read(StoredJob job, DateTimeOffset notBefore, DateTimeOffset? newerThan)
    {
        try
        {
            var bytes = SafeFile.ReadAllBytes(PathOf(job.Key), followLinks: false, MaxBytes);
            if (JsonNode.Parse(bytes) is not JsonObject kept
                || !IsoTime.TryParse(JsonText.Display(kept["asked_at"]), out var askedAt)
                || askedAt < notBefore
                || askedAt <= newerThan
                || askedAt > clock.GetUtcNow() + Skew
                || !IsoTime.TryParse(JsonText.Display(kept["answered_at"]), out var answeredAt)
                || answeredAt < askedAt
                || answeredAt > clock.GetUtcNow() + Skew
                || kept["result"] is not JsonObject answer)
            {
                return null;
            }

            var result = JobRecordJson.ReadStatusResult(answer.ToJsonString());
            var handle = job.Handle;

            // A key used again by another job (the old one removed) must not take the old one's answer.
            return result.JobId == handle.JobId && result.Backend == handle.Backend && result.SubmittedAt == handle.SubmittedAt
                ? (new JobStatusResult(handle, result.Status) { Detail = result.Detail, Sweep = result.Sweep }, askedAt, answeredAt)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or Flepimop2Exception or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Keeps the answers (by store key) of a round that began at <paramref name="askedAt"/> and ended at <paramref name="answeredAt"/>; one that cannot be written is left out.</summary>
    public void Write(IEnumerable<KeyValuePair<string, JobStatusResult>> results, DateTimeOffset askedAt, DateTimeOffset answeredAt)
    {
        foreach (var (key, result) in results)
        {
            try
            {
                var text = new JsonObject
                {
                    ["asked_at"] = IsoTime.Format(askedAt),
                    ["answered_at"] = IsoTime.Format(answeredAt),
                    ["result"] = JsonNode.Parse(JobRecordJson.Serialize(result)),
                }.ToJsonString();
                System.IO.Directory.CreateDirectory(Directory);
                AtomicFile.WriteAllText(PathOf(key), text);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Flepimop2Exception)
            {
                // Only a hint for the next caller: without it, that caller asks the backend.
            }
        }
    }

    /// <summary>Says when the caller that just asked <paramref name="module"/>'s backend will ask it next, and at what pause.</summary>
    public void Plan(string module, DateTimeOffset at, TimeSpan pause)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            AtomicFile.WriteAllText(PlanPath(module), string.Create(CultureInfo.InvariantCulture, $"{IsoTime.Format(at)} {pause.Ticks}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Flepimop2Exception)
        {
            // Only a hint: other watchers keep their own pace.
        }
    }

    /// <summary>When the last caller to ask <paramref name="module"/>'s backend said it would ask next, and at what pause; null when it is not known.</summary>
    public (DateTimeOffset At, TimeSpan Pause)? Planned(string module)
    {
        try
        {
            var fields = Encoding.UTF8.GetString(SafeFile.ReadAllBytes(PlanPath(module), followLinks: false, 100)).Split(' ');
            return fields.Length == 2
                && IsoTime.TryParse(fields[0], out var at)
                && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks > 0
                ? (at, TimeSpan.FromTicks(ticks))
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Flepimop2Exception)
        {
            return null;
        }
    }

    private static string Hash(string module) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(module)))[..16];

    private string PlanPath(string module) => Path.Combine(Directory, $".plan-{Hash(module)}");

    private string PathOf(string key) => Path.Combine(Directory, JobKey.IsValidKey(key) ? key + ".json" : $"key-{Hash(key)}.json");
}
