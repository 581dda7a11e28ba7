using System.IO.Enumeration;
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

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

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

    private string LockPath => Path.Combine(Root, ".lock");

    /// <summary>The store of a project directory: <c>{directory}/.flepimop2_cache/job</c>.</summary>
    /// <param name="directory">The project directory, usually the current one.</param>
    /// <returns>The store.</returns>
    public static JobStore ForDirectory(string directory) => new(Path.Combine(directory, ".flepimop2_cache", "job"));

    /// <summary>Records a submitted job: its handle file, then its summary entry.</summary>
    /// <param name="handle">The handle.</param>
    /// <param name="jobConfig">The configuration of the runner that submitted it.</param>
    /// <returns>What was stored.</returns>
    public StoredJob Save(JobHandle handle, System.Text.Json.Nodes.JsonObject jobConfig)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(jobConfig);
        var job = new StoredJob(handle.Key, handle, jobConfig);
        Directory.CreateDirectory(HandlesDirectory);
        AtomicFile.WriteAllBytes(HandlePath(job.Key), StoreJson.HandleFile(job));
        var entry = new JobSummaryEntry(job.Key, handle.Backend, handle.JobId, handle.SubmittedAt, null);
        using (FileLock.Acquire(LockPath, LockTimeout))
        {
            SummaryFile.Append(SummaryPath, entry, () => ReadSummary([]));
        }

        return job;
    }

    /// <summary>
    /// Records the statuses just seen, so later listings need not ask the backend about finished jobs.
    /// A job the summary lacks (or a summary that could not be read) is written back whole.
    /// </summary>
    /// <param name="results">Fresh results.</param>
    public void UpdateStatuses(IEnumerable<JobStatusResult> results)
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
                if (!entries.TryGetValue(key, out var entry))
                {
                    entries[key] = new JobSummaryEntry(key, result.Backend, result.JobId, result.SubmittedAt, result.Status);
                    changed = true;
                }
                else if (entry.Status != result.Status)
                {
                    entries[key] = entry with { Status = result.Status };
                    changed = true;
                }
            }

            return changed;
        });
    }

    /// <summary>Lists every job, oldest first. Unreadable files are reported in the warnings and skipped.</summary>
    /// <returns>The jobs and the warnings.</returns>
    public JobListing List()
    {
        var warnings = new List<string>();
        var summary = ReadSummary(warnings, retryLocked: true);
        var keysOnDisk = HandleKeysOnDisk(sweepStaleTemporaries: true);
        var byKey = new Dictionary<string, JobSummaryEntry>(StringComparer.Ordinal);
        foreach (var entry in summary)
        {
            byKey[entry.Key] = entry;
            if (!keysOnDisk.Contains(entry.Key))
            {
                warnings.Add($"{SummaryPath}: job '{entry.Key}' has no handle file in {HandlesDirectory}; it cannot be queried");
            }
        }

        foreach (var key in keysOnDisk)
        {
            if (byKey.ContainsKey(key))
            {
                continue;
            }

            // A handle file the summary does not know: a write that died between the two files, or the
            // original's lost update. The handle file is the truth, so the job is listed from it.
            if (TryLoad(key, out var job, out var problem))
            {
                byKey[key] = new JobSummaryEntry(job.Key, job.Handle.Backend, job.Handle.JobId, job.Handle.SubmittedAt, null);
            }
            else
            {
                warnings.Add(problem!);
            }
        }

        var jobs = byKey.Values.OrderBy(e => e.SubmittedAt).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        return new JobListing(jobs, warnings);
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
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            job = null!;
            problem = $"{path}: unreadable: {ex.Message}";
            return false;
        }

        job = StoreJson.ParseHandleFile(bytes, out var parseProblem);
        problem = parseProblem is null ? null : $"{path}: unreadable: {parseProblem}";
        return parseProblem is null;
    }

    private HashSet<string> HandleKeysOnDisk(bool sweepStaleTemporaries = false)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(HandlesDirectory))
        {
            return keys;
        }

        // Names only, no full paths: a large store has one file per job. A temporary file left by a writer
        // killed before its rename comes back with a leading '/', which no file name has, to be removed.
        var staleBefore = _clock.GetUtcNow() - StaleTemporaryAge;
        var names = new FileSystemEnumerable<string>(
            HandlesDirectory,
            (ref FileSystemEntry entry) => entry.FileName.EndsWith(TemporaryExtension, StringComparison.Ordinal)
                ? "/" + entry.FileName.ToString()
                : entry.FileName[..^JsonExtension.Length].ToString(),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory
                && ((entry.FileName.Length > JsonExtension.Length && entry.FileName.EndsWith(JsonExtension, StringComparison.Ordinal))
                    || (sweepStaleTemporaries && entry.FileName.EndsWith(TemporaryExtension, StringComparison.Ordinal) && entry.LastWriteTimeUtc < staleBefore)),
        };
        foreach (var name in names)
        {
            if (name[0] == '/')
            {
                TryDelete(Path.Combine(HandlesDirectory, name[1..]));
            }
            else if (JobKey.IsValidKey(name))
            {
                keys.Add(name);
            }
        }

        return keys;
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

    private List<JobSummaryEntry> ReadSummary(List<string> warnings, bool retryLocked = false)
    {
        if (!File.Exists(SummaryPath))
        {
            // The common case of a new store: answered without the cost of a first exception.
            return [];
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(SummaryPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{SummaryPath}: unreadable: {ex.Message}");
            return [];
        }

        var problems = new List<string>();
        var entries = StoreJson.ParseSummary(bytes, problems);
        if (problems.Count > 0 && retryLocked)
        {
            // An append may have been under way while we read; once the writer is done, the file is whole.
            using (FileLock.Acquire(LockPath, LockTimeout))
            {
                return ReadSummary(warnings, retryLocked: false);
            }
        }

        warnings.AddRange(problems.Select(p => $"{SummaryPath}: {p}"));
        return entries;
    }

    /// <summary>
    /// Read-modify-write of the summary under the store lock; written only when <paramref name="change"/> says
    /// it changed something. The change is told whether the summary was damaged, so it can write it back whole.
    /// </summary>
    private void UpdateSummary(Func<Dictionary<string, JobSummaryEntry>, bool, bool> change)
    {
        Directory.CreateDirectory(Root);
        using var held = FileLock.Acquire(LockPath, LockTimeout);
        var problems = new List<string>();
        var entries = new Dictionary<string, JobSummaryEntry>(StringComparer.Ordinal);
        foreach (var entry in ReadSummary(problems))
        {
            entries[entry.Key] = entry;
        }

        if (change(entries, problems.Count > 0))
        {
            AtomicFile.WriteAllBytes(SummaryPath, StoreJson.Summary(entries.Values));
        }
    }
}
