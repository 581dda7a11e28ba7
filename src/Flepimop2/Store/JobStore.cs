using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Store.Internal;

namespace Flepimop2.Store;

/// <summary>
/// The job store under <c>.flepimop2_cache/job/</c>: one handle file per job plus <c>summary.json</c>, in the
/// original program's format, and <c>sweeps.json</c>, the sweeps' task counts where the original's rewrites of the summary
/// leave them. Every write is atomic, and summary updates are made under an inter-process
/// lock, so concurrent submitters lose nothing and a killed writer leaves no torn file.
/// </summary>
public sealed class JobStore
{
    private readonly TimeProvider _clock;
    private readonly HandleFiles _handles;
    private readonly SummaryIndex _summary;
    private readonly SweepIndex _sweeps;

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
        _handles = new HandleFiles(Root, HandlesDirectory, _clock);
        _summary = new SummaryIndex(SummaryPath, Lock);
        _sweeps = new SweepIndex(Path.Combine(Root, "sweeps.json"));
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

    private FileLock Lock(CancellationToken cancellationToken) => FileLock.Acquire(LockPath, LockTimeout, cancellationToken);

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
        StoreWrites.Run(Root, () =>
        {
            Directory.CreateDirectory(HandlesDirectory);
            AtomicFile.Probe(Root);
            AtomicFile.Probe(HandlesDirectory);
        });
        using (Lock(cancellationToken))
        {
            StoreWrites.Run(SummaryPath, () =>
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
        if (!_handles.TryCreate(job))
        {
            // Never overwrite another job's record: the original did (every blocking job was shell-0), and lost jobs.
            throw new JobStoreException(_handles.PathOf(job.Key), $"a job with key '{job.Key}' is already recorded in '{HandlesDirectory}'; this one was not recorded, and the other was left as it was");
        }

        using (Lock(cancellationToken))
        {
            _summary.Append(new JobSummaryEntry(job.Key, handle.Backend, handle.JobId, handle.SubmittedAt, null));
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
        using (Lock(cancellationToken))
        {
            var job = Load(key);
            var metadata = new Dictionary<string, JsonNode?>(job.Handle.Metadata.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())), StringComparer.Ordinal)
            {
                [name] = value?.DeepClone(),
            };
            var updated = job with { Handle = job.Handle with { Metadata = metadata } };
            _handles.Replace(updated);
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

        StoreWrites.Run(Root, () => Directory.CreateDirectory(Root));
        _summary.Update((entries, damaged) =>
        {
            var changed = damaged;
            var sweeps = new List<JobSummaryEntry>();
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

                if (tasks is not null)
                {
                    sweeps.Add(entries[key]);
                }
            }

            // Where the counts survive the original's rewrites of the summary; written under the same lock.
            _sweeps.Update(sweeps);
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
        var summary = _summary.Read(warnings, retryLocked: true, cancellationToken).Entries;

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
        var unknown = _handles.Scan(index, onDisk);
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
            if (_handles.TryLoad(key, out var job, out var problem))
            {
                jobs.Add(new JobSummaryEntry(job.Key, job.Handle.Backend, job.Handle.JobId, job.Handle.SubmittedAt, null));
            }
            else
            {
                warnings.Add(problem!);
            }
        }

        // Sweep counts that another program's rewrite of the summary dropped come back from sweeps.json.
        var unkept = new List<JobSummaryEntry>();
        _sweeps.Restore(jobs, warnings, unkept);
        if (unkept.Count > 0)
        {
            KeepSweeps(unkept, warnings, cancellationToken);
        }

        // Saves append in submission order, so the list is nearly always in order already: check before sorting.
        if (!SummaryIndex.IsInOrder(jobs))
        {
            jobs.Sort(SummaryIndex.ListingOrder);
        }

        return new JobListing(jobs, warnings);
    }

    /// <summary>
    /// Records in <c>sweeps.json</c> the counts of sweeps that only the summary has (recorded before there was such a file),
    /// where the original's next rewrite of the summary cannot take them. Not worth a wait: with the store locked by another
    /// process, the next listing does it.
    /// </summary>
    private void KeepSweeps(List<JobSummaryEntry> sweeps, List<string> warnings, CancellationToken cancellationToken)
    {
        try
        {
            using (FileLock.Acquire(LockPath, TimeSpan.FromSeconds(1), cancellationToken))
            {
                _sweeps.Update(sweeps, addOnly: true);
            }
        }
        catch (JobStoreException ex)
        {
            warnings.Add($"{_sweeps.Path}: the task counts of {sweeps.Count} sweep(s) could not be kept there: {ex.Message}");
        }
    }

    /// <summary>Loads a job by its key.</summary>
    /// <param name="key">The store key.</param>
    /// <returns>The job.</returns>
    /// <exception cref="JobNotFoundException">No such job.</exception>
    /// <exception cref="JobStoreException">The handle file is unreadable.</exception>
    public StoredJob Load(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_handles.Exists(key))
        {
            throw new JobNotFoundException(key, $"no job '{key}' in {Root}; 'flepimop2 job list' shows the jobs there are");
        }

        return _handles.TryLoad(key, out var job, out var problem) ? job : throw new JobStoreException(_handles.PathOf(key), problem!);
    }

    /// <summary>Finds a job by key, or by bare job id when exactly one job has it.</summary>
    /// <param name="keyOrId">A key such as <c>shell-abc</c>, or a job id such as <c>abc</c>.</param>
    /// <returns>The job.</returns>
    /// <exception cref="JobNotFoundException">No job matches, or several do.</exception>
    /// <exception cref="JobStoreException">The job's handle file is unreadable.</exception>
    public StoredJob Find(string keyOrId)
    {
        ArgumentNullException.ThrowIfNull(keyOrId);
        if (_handles.Exists(keyOrId))
        {
            return Load(keyOrId);
        }

        var suffix = "-" + JobKey.Sanitize(keyOrId);
        var matches = _handles.Keys().Where(k => k.EndsWith(suffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return matches.Count switch
        {
            1 => Load(matches[0]),
            0 => throw new JobNotFoundException(keyOrId, $"no job '{keyOrId}' in {Root}; 'flepimop2 job list' shows the jobs there are"),
            _ => throw new JobNotFoundException(keyOrId, $"job id '{keyOrId}' is ambiguous: {string.Join(", ", matches)}; give the full key"),
        };
    }
}
