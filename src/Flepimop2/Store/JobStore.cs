using System.IO.Enumeration;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Store.Internal;

namespace Flepimop2.Store;

/// <summary>
/// The job store under <c>.flepimop2_cache/job/</c>: one handle file per job plus <c>summary.json</c>, in the
/// original program's format. Every write is atomic, and summary updates are made under an inter-process
/// lock, so concurrent submitters lose nothing and a killed writer leaves no torn file.
/// </summary>
public sealed class JobStore
{
    private const string JsonExtension = ".json";
    private const string TemporaryExtension = ".tmp";

    /// <summary>A writer finishes its temporary file in milliseconds; one older than this was left by a killed writer.</summary>
    private static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromHours(1);

    /// <summary>A handle file is a few kilobytes; anything this large was not written by a flepimop2.</summary>
    private const long MaxHandleFileBytes = 16L << 20;

    /// <summary>About 150 bytes an entry: room for millions of jobs, and a bound on what a hostile file can make a reader hold.</summary>
    private const long MaxSummaryBytes = 2L << 30;

    private readonly TimeProvider _clock;

    /// <summary>Opens (without creating) the store whose job directory is <paramref name="jobDirectory"/>.</summary>
    /// <param name="jobDirectory">The <c>.flepimop2_cache/job</c> directory.</param>
    /// <param name="clock">The clock that tells when a writer's leftover temporary file is old enough to remove; the system clock when null.</param>
    public JobStore(string jobDirectory, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobDirectory);
        _clock = clock ?? TimeProvider.System;
        Root = Path.GetFullPath(jobDirectory);
        HandlesDirectory = Path.Combine(Root, "handles");
        SummaryPath = Path.Combine(Root, "summary.json");
    }

    /// <summary>The job directory.</summary>
    public string Root { get; }

    /// <summary>Where handle files are.</summary>
    public string HandlesDirectory { get; }

    /// <summary>The summary file.</summary>
    public string SummaryPath { get; }

    /// <summary>How long a write waits for another process's lock on the store before it fails. 60 s unless set.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private string LockPath => Path.Combine(Root, ".lock");

    /// <summary>The store of a project directory: <c>{directory}/.flepimop2_cache/job</c>.</summary>
    /// <param name="directory">The project directory, usually the current one.</param>
    /// <returns>The store.</returns>
    public static JobStore ForDirectory(string directory) => new(Path.Combine(directory, ".flepimop2_cache", "job"));

    /// <summary>
    /// Checks that a job can be recorded here now, before anything is submitted: creates the directories, writes and removes
    /// a probe file in each (a read-only or full disk fails here), takes and releases the lock (a store held by another process
    /// fails here, after <see cref="LockTimeout"/>), and checks that <c>summary.json</c>, when there is one, is a regular file.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the lock.</param>
    /// <exception cref="JobStoreException">A job could not be recorded; the message says why.</exception>
    public void EnsureWritable(CancellationToken cancellationToken = default)
    {
        StoreOperation(Root, () =>
        {
            Directory.CreateDirectory(HandlesDirectory);
            AtomicFile.Probe(Root);
            AtomicFile.Probe(HandlesDirectory);
        });
        using (FileLock.Acquire(LockPath, LockTimeout, _clock, cancellationToken))
        {
            StoreOperation(SummaryPath, () =>
            {
                try
                {
                    SafeFile.OpenForUpdate(SummaryPath).Dispose();
                }
                catch (FileNotFoundException)
                {
                    // A new store: the first save creates it.
                }
            });
        }
    }

    /// <summary>Records a submitted job: its handle file, then its summary entry.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="jobConfig">The configuration of the runner that submitted it.</param>
    /// <param name="cancellationToken">Stops waiting for the store's lock; the handle file may already be written.</param>
    /// <returns>What was stored.</returns>
    /// <exception cref="JobStoreException">
    /// A file could not be written (<c>summary.json</c> is left as it was), or a job with the same key is already recorded
    /// (it is never overwritten).
    /// </exception>
    public StoredJob Save(JobHandle handle, JsonObject jobConfig, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(jobConfig);
        var job = new StoredJob(handle.Key, handle, jobConfig);
        var handlePath = HandlePath(job.Key);
        var created = false;
        StoreOperation(handlePath, () =>
        {
            Directory.CreateDirectory(HandlesDirectory);
            created = AtomicFile.TryCreate(handlePath, StoreJson.HandleFile(job));
        });
        if (!created)
        {
            // Never overwrite another job's record: the original did (every blocking job was shell-0), and lost jobs.
            throw new JobStoreException(handlePath, $"a job with key '{job.Key}' is already recorded in '{HandlesDirectory}'; this one was not recorded, and the other was left as it was");
        }
        var entry = new JobSummaryEntry(job.Key, handle.Backend, handle.JobId, handle.SubmittedAt, null);
        using (FileLock.Acquire(LockPath, LockTimeout, _clock, cancellationToken))
        {
            StoreOperation(SummaryPath, () => SummaryFile.Append(SummaryPath, entry, () => ReadSummary([]).Entries));
        }

        return job;
    }

    /// <summary>
    /// Adds a value to a recorded job's handle metadata (for example <c>retried_as</c>), replacing its handle file atomically
    /// under the store's lock: a reader sees the old record or the new one, never a mix.
    /// </summary>
    /// <param name="key">The job's key.</param>
    /// <param name="name">The metadata key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Stops waiting for the store's lock.</param>
    /// <returns>The job as now recorded.</returns>
    /// <exception cref="JobNotFoundException">No job has that key.</exception>
    /// <exception cref="JobStoreException">The record could not be read or written (it is left as it was).</exception>
    public StoredJob SetMetadata(string key, string name, JsonNode? value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using (FileLock.Acquire(LockPath, LockTimeout, _clock, cancellationToken))
        {
            var job = Load(key);
            var metadata = new Dictionary<string, JsonNode?>(job.Handle.Metadata.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())), StringComparer.Ordinal)
            {
                [name] = value?.DeepClone(),
            };
            var updated = job with { Handle = job.Handle with { Metadata = metadata } };
            var handlePath = HandlePath(job.Key);
            StoreOperation(handlePath, () => AtomicFile.WriteAllBytes(handlePath, StoreJson.HandleFile(updated)));
            return updated;
        }
    }

    /// <summary>
    /// Records the statuses just seen, so later listings need not ask the backend about finished jobs.
    /// A job the summary lacks (or a summary that could not be read) is written back whole.
    /// </summary>
    /// <param name="results">Fresh results.</param>
    /// <param name="cancellationToken">Stops waiting for the store's lock.</param>
    /// <exception cref="JobStoreException">The summary could not be written (it is left as it was).</exception>
    public void UpdateStatuses(IEnumerable<JobStatusResult> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var fresh = results.ToList();
        if (fresh.Count == 0 || !Directory.Exists(HandlesDirectory))
        {
            return;
        }

        UpdateSummary((entries, damaged) =>
        {
            var changed = damaged;
            foreach (var result in fresh)
            {
                var key = result.Key;
                var tasks = result.Sweep?.Counts();
                if (!entries.TryGetValue(key, out var entry))
                {
                    entries[key] = new JobSummaryEntry(key, result.Backend, result.JobId, result.SubmittedAt, result.Status) { Tasks = tasks };
                    changed = true;
                }
                else if (entry.Status != result.Status || entry.Tasks != tasks)
                {
                    entries[key] = entry with { Status = result.Status, Tasks = tasks };
                    changed = true;
                }
            }

            return changed;
        }, cancellationToken);
    }

    /// <summary>
    /// Lists every job, oldest first. Unreadable files (torn, foreign, a symbolic link, a FIFO) are reported in the warnings
    /// and skipped; temporary files that killed writers left behind are removed once an hour old.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the store's lock (taken only to re-read a summary caught mid-write).</param>
    /// <returns>The jobs and the warnings.</returns>
    public JobListing List(CancellationToken cancellationToken = default)
    {
        var warnings = new List<string>();
        var summary = ReadSummary(warnings, retryLocked: true, cancellationToken).Entries;

        // Where each key is in the summary; of a key written twice, the last entry is the one kept.
        var index = new Dictionary<string, int>(summary.Count, StringComparer.Ordinal);
        var kept = new bool[summary.Count];
        for (var i = 0; i < summary.Count; i++)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, summary[i].Key, out var seen);
            if (seen)
            {
                kept[slot] = false;
            }

            slot = i;
            kept[i] = true;
        }

        // One pass over the handle files, matched to the summary by name without making a string per file.
        var onDisk = new bool[summary.Count];
        var unknown = ScanHandleFiles(index, onDisk);
        var jobs = new List<JobSummaryEntry>(summary.Count + unknown.Count);
        for (var i = 0; i < summary.Count; i++)
        {
            if (!kept[i])
            {
                continue;
            }

            jobs.Add(summary[i]);
            if (!onDisk[i])
            {
                warnings.Add($"{SummaryPath}: job '{summary[i].Key}' has no handle file in {HandlesDirectory}; it cannot be queried");
            }
        }

        foreach (var key in unknown)
        {
            // A handle file the summary does not know: a write that died between the two files, or the
            // original's lost update. The handle file is the truth, so the job is listed from it.
            if (TryLoad(key, out var job, out var problem))
            {
                jobs.Add(new JobSummaryEntry(job.Key, job.Handle.Backend, job.Handle.JobId, job.Handle.SubmittedAt, null));
            }
            else
            {
                warnings.Add(problem!);
            }
        }

        // Saves append in submission order, so the list is nearly always in order already: check before sorting.
        if (!IsInOrder(jobs))
        {
            jobs.Sort(ListingOrder);
        }

        return new JobListing(jobs, warnings);
    }

    private static int ListingOrder(JobSummaryEntry a, JobSummaryEntry b)
    {
        var byTime = a.SubmittedAt.CompareTo(b.SubmittedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Key, b.Key);
    }

    private static bool IsInOrder(List<JobSummaryEntry> jobs)
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

    /// <summary>
    /// Marks which summary keys have a handle file and returns the handle files' keys the summary does not have; removes
    /// temporary files of killed writers that are over an hour old on the way.
    /// </summary>
    private List<string> ScanHandleFiles(Dictionary<string, int> index, bool[] onDisk)
    {
        var unknown = new List<string>();
        SweepStaleTemporaries(Root);
        if (!Directory.Exists(HandlesDirectory))
        {
            return unknown;
        }

        var byName = index.GetAlternateLookup<ReadOnlySpan<char>>();
        var staleBefore = _clock.GetUtcNow() - StaleTemporaryAge;
        var names = new FileSystemEnumerable<string>(
            HandlesDirectory,
            (ref FileSystemEntry entry) => entry.FileName.EndsWith(TemporaryExtension, StringComparison.Ordinal)
                ? "/" + entry.FileName.ToString()
                : entry.FileName[..^JsonExtension.Length].ToString(),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 })
        {
            // A name the summary knows is marked here and goes no further: no string is made for it.
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
            {
                if (entry.IsDirectory)
                {
                    return false;
                }

                var name = entry.FileName;
                if (name.Length > JsonExtension.Length && name.EndsWith(JsonExtension, StringComparison.Ordinal))
                {
                    if (byName.TryGetValue(name[..^JsonExtension.Length], out var at))
                    {
                        onDisk[at] = true;
                        return false;
                    }

                    return true;
                }

                return name.EndsWith(TemporaryExtension, StringComparison.Ordinal) && entry.LastWriteTimeUtc < staleBefore && AtomicFile.IsTemporaryName(name);
            },
        };
        foreach (var name in names)
        {
            if (name[0] == '/')
            {
                TryDelete(Path.Combine(HandlesDirectory, name[1..]));
            }
            else if (JobKey.IsValidKey(name))
            {
                unknown.Add(name);
            }
        }

        return unknown;
    }

    /// <summary>Loads a job by its key.</summary>
    /// <param name="key">The store key.</param>
    /// <returns>The job.</returns>
    /// <exception cref="JobNotFoundException">No such job.</exception>
    /// <exception cref="JobStoreException">The handle file is unreadable.</exception>
    public StoredJob Load(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!JobKey.IsValidKey(key) || !File.Exists(HandlePath(key)))
        {
            throw new JobNotFoundException(key, $"no job '{key}' in {Root}; 'flepimop2 job list' shows the jobs there are");
        }

        return TryLoad(key, out var job, out var problem) ? job : throw new JobStoreException(HandlePath(key), problem!);
    }

    /// <summary>Finds a job by key, or by bare job id when exactly one job has it.</summary>
    /// <param name="keyOrId">A key such as <c>shell-abc</c>, or a job id such as <c>abc</c>.</param>
    /// <returns>The job.</returns>
    /// <exception cref="JobNotFoundException">No job matches, or several do.</exception>
    /// <exception cref="JobStoreException">The job's handle file is unreadable.</exception>
    public StoredJob Find(string keyOrId)
    {
        ArgumentNullException.ThrowIfNull(keyOrId);
        if (JobKey.IsValidKey(keyOrId) && File.Exists(HandlePath(keyOrId)))
        {
            return Load(keyOrId);
        }

        var suffix = "-" + JobKey.Sanitize(keyOrId);
        var matches = HandleKeysOnDisk().Where(k => k.EndsWith(suffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return matches.Count switch
        {
            1 => Load(matches[0]),
            0 => throw new JobNotFoundException(keyOrId, $"no job '{keyOrId}' in {Root}; 'flepimop2 job list' shows the jobs there are"),
            _ => throw new JobNotFoundException(keyOrId, $"job id '{keyOrId}' is ambiguous: {string.Join(", ", matches)}; give the full key"),
        };
    }

    private string HandlePath(string key) => Path.Combine(HandlesDirectory, key + ".json");

    private bool TryLoad(string key, out StoredJob job, out string? problem)
    {
        var path = HandlePath(key);
        byte[] bytes;
        try
        {
            bytes = SafeFile.ReadAllBytes(path, followLinks: false, MaxHandleFileBytes);
        }
        catch (UnsafeFileException ex)
        {
            job = null!;
            problem = $"{path}: skipped: it {ex.Problem}";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            job = null!;
            problem = $"{path}: unreadable: {ex.Message}";
            return false;
        }

        job = StoreJson.ParseHandleFile(bytes, out var parseProblem);
        if (parseProblem is null && (job.Key != key || job.Handle.Key != key))
        {
            // The file name is the key: a file naming another job inside must not make that job list twice.
            parseProblem = $"the key inside ('{job.Key}', for job '{job.Handle.Backend}-{job.Handle.JobId}') does not match the file name";
        }

        problem = parseProblem is null ? null : $"{path}: unreadable: {parseProblem}";
        return parseProblem is null;
    }

    /// <summary>The keys of every handle file (for a lookup by bare id).</summary>
    private HashSet<string> HandleKeysOnDisk()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(HandlesDirectory))
        {
            return keys;
        }

        var names = new FileSystemEnumerable<string>(
            HandlesDirectory,
            (ref FileSystemEntry entry) => entry.FileName[..^JsonExtension.Length].ToString(),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && entry.FileName.Length > JsonExtension.Length && entry.FileName.EndsWith(JsonExtension, StringComparison.Ordinal),
        };
        keys.UnionWith(names.Where(JobKey.IsValidKey));
        return keys;
    }

    /// <summary>Removes this directory's temporary files (as <see cref="AtomicFile"/> names them) that are over an hour old.</summary>
    private void SweepStaleTemporaries(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var staleBefore = _clock.GetUtcNow() - StaleTemporaryAge;
        var stale = new FileSystemEnumerable<string>(
            directory,
            (ref FileSystemEntry entry) => entry.ToFullPath(),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && AtomicFile.IsTemporaryName(entry.FileName) && entry.LastWriteTimeUtc < staleBefore,
        };
        foreach (var path in stale)
        {
            TryDelete(path);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another lister removed it first, or it is not ours to remove: either way readers ignore it.
        }
    }

    private SummaryRead ReadSummary(List<string> warnings, bool retryLocked = false, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(SummaryPath) && !IsLink(SummaryPath))
        {
            // The common case of a new store: answered without the cost of a first exception.
            return new SummaryRead([], Damaged: false, Unsafe: false);
        }

        byte[] bytes;
        try
        {
            bytes = SafeFile.ReadAllBytes(SummaryPath, followLinks: false, MaxSummaryBytes);
        }
        catch (FileNotFoundException)
        {
            return new SummaryRead([], Damaged: false, Unsafe: false);
        }
        catch (UnsafeFileException ex)
        {
            warnings.Add($"{SummaryPath}: skipped: it {ex.Problem}; jobs are listed from their handle files (remove it, and the next status update writes a new summary)");
            return new SummaryRead([], Damaged: true, Unsafe: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{SummaryPath}: unreadable: {ex.Message}");
            return new SummaryRead([], Damaged: true, Unsafe: false);
        }

        var problems = new List<string>();
        var entries = StoreJson.ParseSummary(bytes, problems);
        if (problems.Count > 0 && retryLocked)
        {
            // An append may have been under way while we read; once the writer is done, the file is whole.
            using (FileLock.Acquire(LockPath, LockTimeout, _clock, cancellationToken))
            {
                return ReadSummary(warnings, retryLocked: false, cancellationToken);
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

        warnings.AddRange(problems.Select(p => $"{SummaryPath}: {p}"));
        return new SummaryRead(kept, problems.Count > 0, Unsafe: false);
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

    /// <summary>Runs a store write, turning a file-system failure into a <see cref="JobStoreException"/> that names the file.</summary>
    private static void StoreOperation(string path, Action action)
    {
        try
        {
            action();
        }
        catch (UnsafeFileException ex)
        {
            throw new JobStoreException(ex.Path, $"'{ex.Path}' {ex.Problem}; flepimop2 writes only regular files in its store, never through a link: remove it (job list rebuilds the summary from the handle files)", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JobStoreException(path, $"cannot write the job store at '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Read-modify-write of the summary under the store lock; written only when <paramref name="change"/> says
    /// it changed something. The change is told whether the summary was damaged, so it can write it back whole.
    /// </summary>
    private void UpdateSummary(Func<Dictionary<string, JobSummaryEntry>, bool, bool> change, CancellationToken cancellationToken)
    {
        StoreOperation(Root, () => Directory.CreateDirectory(Root));
        using var held = FileLock.Acquire(LockPath, LockTimeout, _clock, cancellationToken);
        var problems = new List<string>();
        var read = ReadSummary(problems, cancellationToken: cancellationToken);
        if (read.Unsafe)
        {
            throw new JobStoreException(SummaryPath, problems[0]);
        }

        var entries = new Dictionary<string, JobSummaryEntry>(StringComparer.Ordinal);
        foreach (var entry in read.Entries)
        {
            entries[entry.Key] = entry;
        }

        if (change(entries, read.Damaged))
        {
            StoreOperation(SummaryPath, () => AtomicFile.WriteAllBytes(SummaryPath, StoreJson.Summary(entries.Values)));
        }
    }

    /// <summary>What reading the summary gave: its entries, whether it was damaged (so a rewrite repairs it), and whether it
    /// is a file the store must not write (a link, a FIFO).</summary>
    private sealed record SummaryRead(List<JobSummaryEntry> Entries, bool Damaged, bool Unsafe);
}
