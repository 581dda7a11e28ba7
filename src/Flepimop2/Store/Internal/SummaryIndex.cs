using Flepimop2.Internal;

namespace Flepimop2.Store.Internal;

/// <summary>
/// The store's <c>summary.json</c>: one entry per job in the original's format, appended to on every save and rewritten
/// under the store's lock when statuses change; read without trusting it (no link, no FIFO, a bound on its size, every
/// entry's key checked against its backend and id).
/// </summary>
internal sealed class SummaryIndex(string path, Func<CancellationToken, IDisposable> takeLock)
{
    /// <summary>About 150 bytes an entry: room for millions of jobs, and a bound on what a hostile file can make a reader hold.</summary>
    private const long MaxSummaryBytes = 2L << 30;

    public string Path { get; } = path;

    /// <summary>Appends an entry (the caller holds the lock).</summary>
    public void Append(JobSummaryEntry entry) =>
        StoreWrites.Run(Path, () => SummaryFile.Append(Path, entry, () => Read([]).Entries));

    /// <summary>Reads the entries; problems go to <paramref name="warnings"/>. With <paramref name="retryLocked"/>, a file caught mid-write is read again under the lock.</summary>
    public SummaryRead Read(List<string> warnings, bool retryLocked = false, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path) && !IsLink(Path))
        {
            // The common case of a new store: answered without the cost of a first exception.
            return new SummaryRead([], Damaged: false, Unsafe: false);
        }

        byte[] bytes;
        try
        {
            bytes = SafeFile.ReadAllBytes(Path, followLinks: false, MaxSummaryBytes);
        }
        catch (FileNotFoundException)
        {
            return new SummaryRead([], Damaged: false, Unsafe: false);
        }
        catch (UnsafeFileException ex)
        {
            warnings.Add($"{Path}: skipped: it {ex.Problem}; jobs are listed from their handle files (remove it, and the next status update writes a new summary)");
            return new SummaryRead([], Damaged: true, Unsafe: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{Path}: unreadable: {ex.Message}");
            return new SummaryRead([], Damaged: true, Unsafe: false);
        }

        var problems = new List<string>();
        var entries = StoreJson.ParseSummary(bytes, problems);
        if (problems.Count > 0 && retryLocked)
        {
            // An append may have been under way while we read; once the writer is done, the file is whole.
            using (takeLock(cancellationToken))
            {
                return Read(warnings, retryLocked: false, cancellationToken);
            }
        }

        // A key must be the one its backend and id give, or one job could be listed as another.
        var kept = new List<JobSummaryEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (JobKey.IsValidKey(entry.Key) && JobKey.Matches(entry.Key, entry.Backend, entry.JobId))
            {
                kept.Add(entry);
            }
            else
            {
                problems.Add($"entry '{entry.Key}' skipped: its key is not the one its backend and job id give ('{JobKey.For(entry.Backend, entry.JobId)}')");
            }
        }

        warnings.AddRange(problems.Select(p => $"{Path}: {p}"));
        return new SummaryRead(kept, problems.Count > 0, Unsafe: false);
    }

    /// <summary>
    /// Read-modify-write under the store lock; written only when <paramref name="change"/> says it changed something. The
    /// change is told whether the summary was damaged, so it can write it back whole.
    /// </summary>
    public void Update(Func<Dictionary<string, JobSummaryEntry>, bool, bool> change, CancellationToken cancellationToken)
    {
        using var held = takeLock(cancellationToken);
        var problems = new List<string>();
        var read = Read(problems, cancellationToken: cancellationToken);
        if (read.Unsafe)
        {
            throw new JobStoreException(Path, problems[0]);
        }

        var entries = new Dictionary<string, JobSummaryEntry>(StringComparer.Ordinal);
        foreach (var entry in read.Entries)
        {
            entries[entry.Key] = entry;
        }

        if (change(entries, read.Damaged))
        {
            StoreWrites.Run(Path, () => AtomicFile.WriteAllBytes(Path, StoreJson.Summary(entries.Values)));
        }
    }

    /// <summary>Oldest first; of jobs submitted at the same moment, by key.</summary>
    public static int ListingOrder(JobSummaryEntry a, JobSummaryEntry b)
    {
        var byTime = a.SubmittedAt.CompareTo(b.SubmittedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Key, b.Key);
    }

    /// <summary>Whether the jobs are in <see cref="ListingOrder"/> already (saves append in submission order, so nearly always).</summary>
    public static bool IsInOrder(List<JobSummaryEntry> jobs)
    {
        for (var i = 1; i < jobs.Count; i++)
        {
            if (ListingOrder(jobs[i - 1], jobs[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
