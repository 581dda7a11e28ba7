using System.IO.Enumeration;
using Flepimop2.Internal;

namespace Flepimop2.Store.Internal;

/// <summary>
/// The store's handle files, one per job (<c>handles/KEY.json</c>): created once and never overwritten, replaced atomically,
/// read without trusting them (no link followed, no FIFO opened, a bound on their size, the key inside checked against the
/// name), found by key or bare id, and scanned for a listing; temporary files of killed writers are removed on the way.
/// </summary>
internal sealed class HandleFiles(string root, string directory, TimeProvider clock)
{
    private const string JsonExtension = ".json";
    private const string TemporaryExtension = ".tmp";

    /// <summary>A writer finishes its temporary file in milliseconds; one older than this was left by a killed writer.</summary>
    private static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromHours(1);

    /// <summary>A handle file is a few kilobytes; anything this large was not written by a flepimop2.</summary>
    private const long MaxHandleFileBytes = 16L << 20;

    public string Directory { get; } = directory;

    public string PathOf(string key) => System.IO.Path.Combine(Directory, key + JsonExtension);

    /// <summary>Whether a job of that key is recorded (a key that cannot be one never is).</summary>
    public bool Exists(string key) => JobKey.IsValidKey(key) && File.Exists(PathOf(key));

    /// <summary>Creates a job's handle file; false when one with its key exists (it is left as it was).</summary>
    public bool TryCreate(StoredJob job)
    {
        var created = false;
        StoreWrites.Run(PathOf(job.Key), () =>
        {
            System.IO.Directory.CreateDirectory(Directory);
            created = AtomicFile.TryCreate(PathOf(job.Key), StoreJson.HandleFile(job));
        });
        return created;
    }

    /// <summary>Replaces a job's handle file atomically.</summary>
    public void Replace(StoredJob job) => StoreWrites.Run(PathOf(job.Key), () => AtomicFile.WriteAllBytes(PathOf(job.Key), StoreJson.HandleFile(job)));

    /// <summary>Reads a job's handle file; false with the problem (naming the file) when it cannot be trusted.</summary>
    public bool TryLoad(string key, out StoredJob job, out string? problem)
    {
        var path = PathOf(key);
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

    /// <summary>
    /// Marks which of the summary's keys (<paramref name="index"/>, key to position) have a handle file, and returns the keys
    /// of handle files the summary does not have; removes temporary files of killed writers over an hour old on the way.
    /// </summary>
    public List<string> Scan(Dictionary<string, int> index, bool[] onDisk)
    {
        var unknown = new List<string>();
        SweepStaleTemporaries(root);
        if (!System.IO.Directory.Exists(Directory))
        {
            return unknown;
        }

        var byName = index.GetAlternateLookup<ReadOnlySpan<char>>();
        var staleBefore = clock.GetUtcNow() - StaleTemporaryAge;
        var names = new FileSystemEnumerable<string>(
            Directory,
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
                StoreWrites.TryDelete(System.IO.Path.Combine(Directory, name[1..]));
            }
            else if (JobKey.IsValidKey(name))
            {
                unknown.Add(name);
            }
        }

        return unknown;
    }

    /// <summary>The keys of every handle file (for a lookup by bare id).</summary>
    public HashSet<string> Keys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(Directory))
        {
            return keys;
        }

        var names = new FileSystemEnumerable<string>(
            Directory,
            (ref FileSystemEntry entry) => entry.FileName[..^JsonExtension.Length].ToString(),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && entry.FileName.Length > JsonExtension.Length && entry.FileName.EndsWith(JsonExtension, StringComparison.Ordinal),
        };
        keys.UnionWith(names.Where(JobKey.IsValidKey));
        return keys;
    }

    /// <summary>Removes a directory's temporary files (as <see cref="AtomicFile"/> names them) that are over an hour old.</summary>
    private void SweepStaleTemporaries(string path)
    {
        if (!System.IO.Directory.Exists(path))
        {
            return;
        }

        var staleBefore = clock.GetUtcNow() - StaleTemporaryAge;
        var stale = new FileSystemEnumerable<string>(
            path,
            (ref FileSystemEntry entry) => entry.ToFullPath(),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && AtomicFile.IsTemporaryName(entry.FileName) && entry.LastWriteTimeUtc < staleBefore,
        };
        foreach (var file in stale)
        {
            StoreWrites.TryDelete(file);
        }
    }
}
