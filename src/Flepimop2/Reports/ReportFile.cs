using Flepimop2.Internal;

namespace Flepimop2.Reports;

/// <summary>Writes a report file whole or not at all: to a temporary file beside it, renamed over it once complete.</summary>
internal static class ReportFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ReportWriteException">The directory is missing or cannot take the file (permissions, a full disk); nothing was written.</exception>
    public static void Write(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? "/";
        if (!Directory.Exists(directory))
        {
            throw new ReportWriteException(path, $"cannot write the report '{Printable.Escape(path)}': the directory '{Printable.Escape(directory)}' does not exist; create it, or name another file with --output FILE");
        }

        if (Directory.Exists(full))
        {
            throw new ReportWriteException(path, $"cannot write the report '{Printable.Escape(path)}': it is a directory; name a file with --output FILE");
        }

        try
        {
            AtomicFile.WriteAllText(full, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReportWriteException(path, $"cannot write the report '{Printable.Escape(path)}': {Printable.Escape(ex is UnauthorizedAccessException ? "permission denied" : DiskWrites.Reason(ex))}; name a writable place with --output FILE", ex);
        }
    }
}
