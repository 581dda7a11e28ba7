using Flepimop2.Internal;

namespace Flepimop2.Store.Internal;

/// <summary>
/// <c>summary.json</c> kept complete and in the original's format at every instant, at a cost per save
/// that does not grow with the store: a new entry is written over the closing <c>\n]</c> with one
/// positioned write of <c>,\n  {entry}\n]</c>. One write system call is not interrupted half-way by a
/// kill, so a crash leaves either the old array or the new one. Callers hold the store lock.
/// </summary>
internal static class SummaryFile
{
    private const int TailProbe = 64;

    /// <summary>Appends an entry; falls back to a full rewrite when the file is missing, empty or not as expected.</summary>
    public static void Append(string path, JobSummaryEntry entry, Func<List<JobSummaryEntry>> readAll)
    {
        using (var stream = OpenExisting(path))
        {
            if (stream is not null && TryAppend(stream, entry))
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
            return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static bool TryAppend(FileStream stream, JobSummaryEntry entry)
    {
        var length = stream.Length;
        if (length < 4)
        {
            return false;
        }

        var probe = (int)Math.Min(TailProbe, length);
        Span<byte> tail = stackalloc byte[TailProbe];
        tail = tail[..probe];
        stream.Position = length - probe;
        stream.ReadExactly(tail);

        // Expect "...}" then optional white space, "\n]", optional white space: the end of a non-empty array.
        var end = tail.TrimEnd(" \t\r\n"u8);
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
        stream.Position = writeAt;
        stream.Write(bytes);
        if (writeAt + bytes.Length < length)
        {
            stream.SetLength(writeAt + bytes.Length);
        }

        return true;
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
