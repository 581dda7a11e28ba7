using Flepimop2.Internal;

namespace Flepimop2.Store.Internal;

/// <summary>
/// <c>summary.json</c> kept complete and in the original's format at every instant, at a cost per save
/// that does not grow with the store: a new entry is written over the closing <c>\n]</c> with one
/// positioned write of <c>,\n  {entry}\n]</c>. One write system call is not interrupted half-way by a
/// kill, so a crash leaves either the old array or the new one; a write cut short by a full disk is undone
/// (the old closing bytes written back and the file cut to its old length) before the error is reported.
/// The file is never opened through a symbolic link, and never when it is not a regular file. Callers hold the store lock.
/// </summary>
internal static class SummaryFile
{
    private const int TailProbe = 64;

    /// <summary>Appends an entry; falls back to a full rewrite when the file is missing, empty or not as expected.</summary>
    /// <exception cref="UnsafeFileException">The summary is a symbolic link or not a regular file; nothing was written.</exception>
    /// <exception cref="IOException">The write failed (a full disk, say); the file is as it was.</exception>
    public static void Append(string path, JobSummaryEntry entry, Func<List<JobSummaryEntry>> readAll)
    {
        using (var stream = OpenExisting(path))
        {
            if (stream is not null && TryAppend(stream, path, entry))
            {
                return;
            }
        }

        var entries = readAll();
        entries.RemoveAll(e => e.Key == entry.Key);
        entries.Add(entry);
        AtomicFile.WriteAllBytes(path, StoreJson.Summary(entries));
    }

    private static FileStream? OpenExisting(string path)
    {
        try
        {
            return SafeFile.OpenForUpdate(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static bool TryAppend(FileStream stream, string path, JobSummaryEntry entry)
    {
        var length = stream.Length;
        if (length < 4)
        {
            return false;
        }

        var probe = (int)Math.Min(TailProbe, length);
        var tail = new byte[probe];
        stream.Position = length - probe;
        stream.ReadExactly(tail);

        // Expect "...}" then optional white space, "\n]", optional white space: the end of a non-empty array.
        var end = tail.AsSpan().TrimEnd(" \t\r\n"u8);
        if (end.Length < 2 || end[^1] != (byte)']')
        {
            return false;
        }

        var beforeBracket = end[..^1].TrimEnd(" \t\r\n"u8);
        if (beforeBracket.Length == 0 || beforeBracket[^1] != (byte)'}')
        {
            return false;
        }

        var writeAt = length - probe + beforeBracket.Length;
        var bytes = AppendedBytes(entry);
        try
        {
            stream.Position = writeAt;
            stream.Write(bytes);
            if (writeAt + bytes.Length < length)
            {
                stream.SetLength(writeAt + bytes.Length);
            }
        }
        catch (IOException ex)
        {
            Restore(stream, path, writeAt, tail.AsSpan(beforeBracket.Length), length, ex);
            throw;
        }

        return true;
    }

    /// <summary>
    /// Undoes a write cut short: the bytes it overwrote go back and the file is cut to its old length. Neither needs a new
    /// block of the disk, so this works on the full disk that stopped the write.
    /// </summary>
    private static void Restore(FileStream stream, string path, long writeAt, ReadOnlySpan<byte> overwritten, long length, IOException cause)
    {
        try
        {
            stream.Position = writeAt;
            stream.Write(overwritten);
            stream.SetLength(length);
        }
        catch (IOException ex)
        {
            throw new IOException(
                $"{cause.Message}; then the summary could not be restored ({ex.Message}): '{path}' may end mid-entry until 'flepimop2 job list' rebuilds it from the handle files",
                cause);
        }
    }

    /// <summary><c>,\n  {entry}\n]</c>, indented exactly as a whole-array write would indent it.</summary>
    private static byte[] AppendedBytes(JobSummaryEntry entry)
    {
        var whole = StoreJson.Summary([entry]);

        // whole is "[\n  {...}\n]": keep the "\n  {...}\n]" part and put a comma in front.
        var result = new byte[whole.Length];
        result[0] = (byte)',';
        whole.AsSpan(1).CopyTo(result.AsSpan(1));
        return result;
    }
}
