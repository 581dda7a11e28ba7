using System.Globalization;
using System.Text;

namespace Flepimop2.Internal;

/// <summary>
/// Writes files so that a reader sees the old content or the new, never a mix: the bytes go to a temporary file
/// (<c>{name}.{pid}.{32 hex digits}.tmp</c>) in the same directory, which is then renamed over the target. A rename replaces
/// a symbolic link at the target instead of writing through it. A failed write (a full disk) removes the temporary file
/// and leaves the target as it was.
/// </summary>
internal static class AtomicFile
{
    private const string TemporaryExtension = ".tmp";

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, overwrite: true);

    /// <summary>Writes a new file atomically; false (and nothing written) when <paramref name="path"/> already exists.</summary>
    public static bool TryCreate(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, overwrite: false);

    /// <summary>Writes and removes a small temporary file, so that a read-only, full or foreign directory fails here.</summary>
    /// <exception cref="IOException">The directory cannot take a file.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static void Probe(string directory)
    {
        var temp = TemporaryName(Path.Combine(directory, ".probe"));
        try
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);

            // A few kilobytes, about what a handle file and a summary entry take together.
            stream.Write(new byte[4096]);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Whether a file name is one of this class's temporary files: <c>{name}.{digits}.{32 hex digits}.tmp</c>.</summary>
    public static bool IsTemporaryName(ReadOnlySpan<char> name)
    {
        if (!name.EndsWith(TemporaryExtension, StringComparison.Ordinal))
        {
            return false;
        }

        var stem = name[..^TemporaryExtension.Length];
        var dot = stem.LastIndexOf('.');
        if (dot < 0 || stem.Length - dot - 1 != 32 || !IsHex(stem[(dot + 1)..]))
        {
            return false;
        }

        var rest = stem[..dot];
        var pidDot = rest.LastIndexOf('.');
        return pidDot > 0 && pidDot < rest.Length - 1 && rest[(pidDot + 1)..].IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private static bool Write(string path, ReadOnlySpan<byte> bytes, bool overwrite)
    {
        var temp = TemporaryName(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: false);
            }

            if (overwrite)
            {
                File.Move(temp, path, overwrite: true);
                return true;
            }

            // link(2) fails when the name is taken: the check and the creation are one step, even between processes.
            var errno = Posix.Link(temp, path);
            TryDelete(temp);
            return errno switch
            {
                0 => true,
                Posix.Eexist => false,
                _ => throw new IOException($"cannot create '{path}': {Posix.Describe(errno)}", errno),
            };
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static string TemporaryName(string path) =>
        string.Create(CultureInfo.InvariantCulture, $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporaryExtension}");

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static bool IsHex(ReadOnlySpan<char> text) => text.IndexOfAnyExcept(HexDigits) < 0;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Leftover temporary files are ignored by readers and swept by job list once an hour old.
        }
    }
}
