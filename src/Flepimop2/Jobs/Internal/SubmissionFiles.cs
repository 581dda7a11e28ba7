using Flepimop2.Internal;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// The files a submission writes before it releases anything (its run directory, a sweep's task table and index, a batch
/// script, the list of jobs it waits for): all of them or none. A write that fails (a full disk, most often) removes the run
/// directory the submission made, with whatever was written into it, so nothing partial is left to fill the disk or block a
/// later submission; the error names the file and says that nothing was submitted.
/// </summary>
internal sealed class SubmissionFiles
{
    private string? _directory;

    /// <summary>Whether <paramref name="ex"/> is a failed write this class reports.</summary>
    public static bool Catches(Exception ex) => ex is IOException or UnauthorizedAccessException or JobStoreException;

    /// <summary>Runs the writes of a submission whose run directory, <paramref name="directory"/>, they create.</summary>
    /// <exception cref="JobStoreException">A write failed; the directory is gone again, and nothing was submitted.</exception>
    public static void Write(string directory, Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var files = new SubmissionFiles();
        try
        {
            if (!Directory.Exists(directory))
            {
                files.Created(directory);
            }

            write();
        }
        catch (Exception ex) when (Catches(ex))
        {
            throw files.Failed(ex, directory);
        }
    }

    /// <summary>Creates a directory the run directories go in (and is left, as other submissions share it).</summary>
    /// <exception cref="JobStoreException">It could not be created; nothing was submitted.</exception>
    public static void CreateParent(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (Catches(ex))
        {
            throw new SubmissionFiles().Failed(ex, directory);
        }
    }

    /// <summary>Notes the run directory this submission created: it is removed if a later write fails.</summary>
    public void Created(string directory) => _directory = directory;

    /// <summary>
    /// Undoes the submission's writes (the run directory goes, with everything in it) and gives the error to throw: the
    /// file that could not be written, why, and that nothing was submitted.
    /// </summary>
    /// <param name="ex">The failure.</param>
    /// <param name="path">The file or directory being written, when <paramref name="ex"/> does not name it.</param>
    public JobStoreException Failed(Exception ex, string path)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (_directory is { } directory)
        {
            Remove(directory);
        }

        var (named, reason) = ex is JobStoreException store ? (store.Path, store.Message) : (path, $"cannot write '{path}': {DiskWrites.Reason(ex)}");
        var advice = DiskWrites.IsFull(ex) || ex.InnerException is { } inner && DiskWrites.IsFull(inner) ? " (free some space and submit again)" : string.Empty;
        return new JobStoreException(named, $"{reason}; nothing was submitted{advice}", ex);
    }

    /// <summary>Removes a run directory; what cannot be removed is left (it was never released, and nothing reads it).</summary>
    private static void Remove(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removing needs no space, so this is a directory someone else changed meanwhile; it runs nothing.
        }
    }
}
