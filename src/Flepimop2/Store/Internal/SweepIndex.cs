using Flepimop2.Internal;

namespace Flepimop2.Store.Internal;

/// <summary>
/// <c>sweeps.json</c>, beside <c>summary.json</c>: the summary entry of every sweep whose task counts have been recorded,
/// as this program wrote it, in the same format. The task counts are a field of ours in the summary, which the original
/// drops whenever it rewrites the summary (its <c>job status</c>, its submissions, its <c>job list</c>); it does not know
/// this file, so here they survive, and a listing takes them from here when the summary has lost them. Written atomically
/// under the store's lock; read without trusting it, as the summary is.
/// </summary>
internal sealed class SweepIndex(string path)
{
    /// <summary>One entry per sweep, about 250 bytes each.</summary>
    private const long MaxBytes = 256L << 20;

    public string Path { get; } = path;

    /// <summary>The entries by key; empty when there is no file. A file that cannot be trusted is a warning, and gives none.</summary>
    public Dictionary<string, JobSummaryEntry> Read(List<string> warnings)
    {
        var entries = new Dictionary<string, JobSummaryEntry>(StringComparer.Ordinal);
        byte[] bytes;
        try
        {
            bytes = SafeFile.ReadAllBytes(Path, followLinks: false, MaxBytes);
        }
        catch (FileNotFoundException)
        {
            return entries;
        }
        catch (UnsafeFileException ex)
        {
            warnings.Add($"{Path}: skipped: it {ex.Problem}; sweeps whose task counts summary.json lost list without them (remove it, and the next status update writes a new one)");
            return entries;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{Path}: unreadable: {ex.Message}");
            return entries;
        }

        var problems = new List<string>();
        foreach (var entry in StoreJson.ParseSummary(bytes, problems))
        {
            if (entry.Tasks is not null && JobKey.IsValidKey(entry.Key) && JobKey.Matches(entry.Key, entry.Backend, entry.JobId))
            {
                entries[entry.Key] = entry;
            }
        }

        warnings.AddRange(problems.Select(p => $"{Path}: {p}"));
        return entries;
    }

    /// <summary>
    /// Records the sweeps among <paramref name="changed"/> (the caller holds the store's lock); written only when one of them
    /// differs from what the file holds. With <paramref name="addOnly"/>, only sweeps it does not hold yet are recorded: what a
    /// listing read may be older than what a status update wrote since.
    /// </summary>
    public void Update(IEnumerable<JobSummaryEntry> changed, bool addOnly = false)
    {
        var sweeps = changed.Where(e => e.Tasks is not null).ToList();
        if (sweeps.Count == 0)
        {
            return;
        }

        var entries = Read([]);
        var any = false;
        foreach (var sweep in sweeps)
        {
            if (!entries.TryGetValue(sweep.Key, out var old) || (!addOnly && old != sweep))
            {
                entries[sweep.Key] = sweep;
                any = true;
            }
        }

        if (any)
        {
            StoreWrites.Run(Path, () => AtomicFile.WriteAllBytes(Path, StoreJson.Summary(entries.Values.OrderBy(e => e, Comparer<JobSummaryEntry>.Create(SummaryIndex.ListingOrder)))));
        }
    }

    /// <summary>
    /// The entries with the task counts the summary lost put back: an entry without counts gets those recorded here for the
    /// same job in the same status (another status was written by another program, and the counts may not be its). Sweeps
    /// whose counts the summary has and this file does not (a store older than this file) are put in <paramref name="unkept"/>,
    /// for the caller to record here before the original's next rewrite takes them away.
    /// </summary>
    public void Restore(List<JobSummaryEntry> jobs, List<string> warnings, List<JobSummaryEntry> unkept)
    {
        if (!jobs.Exists(j => j.Tasks is not null) && !File.Exists(Path) && new FileInfo(Path).LinkTarget is null)
        {
            return;
        }

        var sweeps = Read(warnings);
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var kept = sweeps.GetValueOrDefault(job.Key);
            if (job.Tasks is not null)
            {
                if (kept is null)
                {
                    unkept.Add(job);
                }
            }
            else if (kept is { Status: not null } && kept.Status == job.Status)
            {
                jobs[i] = job with { Tasks = kept.Tasks };
            }
        }
    }
}
