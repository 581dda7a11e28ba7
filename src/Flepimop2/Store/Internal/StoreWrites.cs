using Flepimop2.Internal;

namespace Flepimop2.Store.Internal;

/// <summary>Runs a store write, turning a file-system failure into a <see cref="JobStoreException"/> that names the file.</summary>
internal static class StoreWrites
{
    public static void Run(string path, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
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
            throw new JobStoreException(path, $"cannot write the job store at '{path}': {DiskWrites.Reason(ex)}", ex);
        }
    }

    /// <summary>Removes a file if it can; another lister may have removed it first, or it is not ours to remove.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Either way, readers ignore it.
        }
    }
}
