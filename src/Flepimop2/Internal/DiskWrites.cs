namespace Flepimop2.Internal;

/// <summary>
/// Why a write failed, in words a user acts on: a full disk or an exceeded quota is said to be one (the system's own
/// message, <c>No space left on device : 'PATH'</c>, names a temporary file and leaves the reader to guess the rest).
/// </summary>
internal static class DiskWrites
{
    /// <summary>ENOSPC on Linux, as .NET reports it in <see cref="Exception.HResult"/>.</summary>
    public const int NoSpaceLeft = 28;

    /// <summary>EDQUOT on Linux, as .NET reports it in <see cref="Exception.HResult"/>.</summary>
    public const int QuotaExceeded = 122;

    /// <summary>Whether a write failed because the disk (or the user's quota on it) is full.</summary>
    public static bool IsFull(Exception ex) => ex is IOException && ex.HResult is NoSpaceLeft or QuotaExceeded;

    /// <summary>Why a write failed: a full disk or quota said as such, anything else as the system said it.</summary>
    public static string Reason(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return !IsFull(ex) ? ex.Message
            : ex.HResult == QuotaExceeded ? "the disk quota is exceeded (EDQUOT: disk quota exceeded)"
            : "the disk is full (ENOSPC: no space left on device)";
    }

    /// <summary>Runs a write of <paramref name="path"/>; a failure becomes a <see cref="JobStoreException"/> that names it and says why.</summary>
    /// <exception cref="JobStoreException">The write failed.</exception>
    public static void Run(string path, Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JobStoreException(path, $"cannot write '{path}': {Reason(ex)}", ex);
        }
    }
}
