using Microsoft.Win32.SafeHandles;

namespace Flepimop2.Internal;

/// <summary>
/// Opens files that someone else may have replaced: a FIFO never blocks the open (<c>O_NONBLOCK</c>), the type is checked
/// on the open descriptor (so no swap between a check and the open can slip through), anything but a regular file is
/// refused, and in the job store a symbolic link is never followed (<c>O_NOFOLLOW</c>).
/// </summary>
internal static class SafeFile
{
    private const int RegularFile = 0x8000;

    /// <summary>Opens an existing regular file for reading.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="UnsafeFileException">It is a symbolic link (when not followed), a FIFO, a device or a directory.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">Any other failure.</exception>
    public static FileStream OpenRead(string path, bool followLinks) =>
        Open(path, Posix.ORdOnly | (followLinks ? 0 : Posix.ONoFollow), 0, FileAccess.Read);

    /// <summary>Opens an existing regular file for reading and writing, never through a symbolic link.</summary>
    public static FileStream OpenForUpdate(string path) =>
        Open(path, Posix.ORdWr | Posix.ONoFollow, 0, FileAccess.ReadWrite);

    /// <summary>Opens or creates a regular file for reading and writing, never through a symbolic link.</summary>
    public static FileStream OpenOrCreate(string path) =>
        Open(path, Posix.ORdWr | Posix.OCreat | Posix.ONoFollow, 0x1B6 /* 0666, less the umask */, FileAccess.ReadWrite);

    /// <summary>Reads a whole regular file, refusing one larger than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="UnsafeFileException">Not a regular file, a symbolic link that is not followed, or too large.</exception>
    public static byte[] ReadAllBytes(string path, bool followLinks, long maxBytes)
    {
        using var stream = OpenRead(path, followLinks);

        // A regular file says its length: one buffer of that size, then a check that nothing was appended meanwhile.
        var length = stream.Length;
        if (length > maxBytes)
        {
            throw new UnsafeFileException(path, $"is larger than {Sizes.Describe(maxBytes)}");
        }

        var bytes = new byte[length];
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
        {
            return bytes[..read];
        }

        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) == 0)
        {
            return bytes;
        }

        stream.Position = 0;
        return ReadToEnd(stream, path, maxBytes);
    }

    /// <summary>Reads a stream to its end (a file whose length may change, or a pipe), refusing more than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadToEnd(Stream stream, string path, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new UnsafeFileException(path, $"is larger than {Sizes.Describe(maxBytes)}");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static FileStream Open(string path, int flags, int mode, FileAccess access)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fd = Posix.Open(path, flags | Posix.ONonBlock | Posix.ONoCtty, mode, out var errno);
        if (fd < 0)
        {
            throw errno switch
            {
                Posix.Enoent or Posix.Enotdir => new FileNotFoundException($"'{path}' does not exist", path),
                Posix.Eloop when (flags & Posix.ONoFollow) != 0 => new UnsafeFileException(path, "is a symbolic link, which flepimop2 does not follow in its store"),
                Posix.Eacces or Posix.Eperm => new UnauthorizedAccessException($"'{path}': {Posix.Describe(errno)}"),
                Posix.Eisdir => new UnsafeFileException(path, "is a directory, not a file"),
                _ => new IOException($"cannot open '{path}': {Posix.Describe(errno)}", errno),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var type = Posix.FileType(fd, out errno);
            if (type < 0)
            {
                throw new IOException($"cannot inspect '{path}': {Posix.Describe(errno)}", errno);
            }

            if (type != RegularFile)
            {
                throw new UnsafeFileException(path, $"is {TypeName(type)}, not a regular file");
            }

            return new FileStream(handle, access, bufferSize: 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static string TypeName(int type) => type switch
    {
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xA000 => "a symbolic link",
        0xC000 => "a socket",
        _ => "a special file",
    };
}
