using System.Globalization;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// Where a detached job keeps its output and exit record: <c>{log root}/shell-{id}/</c>. The id is the job's pid, as the
/// original's is; a pid that an earlier job in the same log root had gets a suffix (<c>{pid}.2</c>), so no job's record is
/// ever overwritten. The directory is claimed with <c>mkdir(2)</c>, which fails when the name is taken.
/// </summary>
internal static class ShellRunDirectory
{
    /// <summary>Claims the job's directory for a pid.</summary>
    /// <exception cref="JobStoreException">The directory cannot be created.</exception>
    public static (string Id, string Directory) Claim(string logRoot, int pid)
    {
        for (var n = 1; n < 10_000; n++)
        {
            var id = n == 1 ? pid.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{pid}.{n}");
            var directory = Path.Combine(logRoot, JobKey.For("shell", id));
            var errno = Posix.MakeDirectory(directory);
            if (errno == 0)
            {
                return (id, directory);
            }

            if (errno != Posix.Eexist)
            {
                var cause = new IOException(Posix.Describe(errno), errno);
                throw new JobStoreException(directory, $"cannot create the job's log directory '{directory}': {DiskWrites.Reason(cause)}", cause);
            }
        }

        throw new JobStoreException(logRoot, $"every name for job {pid} is taken in '{logRoot}'");
    }

    /// <summary>Why detached jobs could not keep their output under <paramref name="root"/>, or null when they can.</summary>
    public static string? Problem(string root)
    {
        var existing = root;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                return $"'{existing}' is a file, so the log directory '{root}' cannot be created";
            }

            existing = Path.GetDirectoryName(existing);
            if (existing is null)
            {
                return $"the log directory '{root}' cannot be created";
            }
        }

        try
        {
            AtomicFile.Probe(existing);
            return null;
        }
        catch (IOException ex) when (DiskWrites.IsFull(ex))
        {
            // A full disk is not a mistake in the configuration; the store's own check before submitting reports it.
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"the log directory '{root}' cannot be written: {ex.Message}";
        }
    }
}
