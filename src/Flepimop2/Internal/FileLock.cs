using System.Globalization;

namespace Flepimop2.Internal;

/// <summary>
/// An exclusive advisory lock between processes (<c>flock(LOCK_EX)</c> on a regular file opened without following a
/// symbolic link). The kernel drops it when the holder dies, so a killed process never leaves the store locked. Waiting
/// for it ends at a timeout or as soon as the caller's token is cancelled. The wait is for another process, so it is
/// measured in real time, never on a caller's clock: a test's fake clock that only moves when the test moves it would
/// otherwise leave a contended lock waiting for ever.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <exception cref="JobStoreException">The lock was not free within <paramref name="timeout"/>, or the file cannot be a lock.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public static FileLock Acquire(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileStream stream;
        try
        {
            stream = SafeFile.OpenOrCreate(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JobStoreException(path, $"cannot use the job store's lock file: {ex.Message}", ex);
        }

        try
        {
            var fd = (int)stream.SafeFileHandle.DangerousGetHandle();
            var clock = TimeProvider.System;
            var started = clock.GetTimestamp();
            var delay = 1;
            while (!Posix.TryLockExclusive(fd, out var errno))
            {
                if (errno != Posix.Eagain)
                {
                    throw new JobStoreException(path, $"cannot lock '{path}': {Posix.Describe(errno)}");
                }

                if (clock.GetElapsedTime(started) >= timeout)
                {
                    throw new JobStoreException(
                        path,
                        string.Create(CultureInfo.InvariantCulture, $"the job store is locked by another process{Holder(fd)}: waited {timeout.TotalSeconds:0.#} s for '{path}'; try again when it is done, or set FLEPIMOP2_LOCK_TIMEOUT (seconds) to wait longer"));
                }

                // The store's API is synchronous; the wait still ends at once when the caller's token is cancelled.
                Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(delay, (delay * 2) + 1)), clock, cancellationToken).GetAwaiter().GetResult();
                delay = Math.Min(delay * 2, 50);
            }

            return new FileLock(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>" (pid N)" for the process holding a flock on this file, from <c>/proc/locks</c>, or nothing.</summary>
    private static string Holder(int fd)
    {
        var inode = Posix.InodeNumber(fd).ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (var line in File.ReadLines("/proc/locks"))
            {
                // "1: FLOCK  ADVISORY  WRITE 4242 00:2e:123456 0 EOF"
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 6 && fields[1] == "FLOCK" && fields[5].EndsWith(":" + inode, StringComparison.Ordinal))
                {
                    return $" (pid {fields[4]})";
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a nicety for the message.
        }

        return string.Empty;
    }
}
