using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// One of a sweep's line files (<c>results</c>, <c>started</c>, <c>pids</c>) kept open by its supervisor, the only writer
/// while it runs: each line is one write at the end, so a reader never sees half a line, and a file opened once costs
/// nothing per task.
/// </summary>
internal sealed class SweepLines(string path) : IDisposable
{
    private SafeFileHandle? _handle;
    private long _length;

    public string Path { get; } = path;

    /// <summary>Appends one line (a newline is added).</summary>
    /// <exception cref="IOException">It could not be written (a full disk); nothing of the line is kept.</exception>
    public void Append(string line)
    {
        if (_handle is null)
        {
            _handle = File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
            _length = RandomAccess.GetLength(_handle);
        }

        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        try
        {
            RandomAccess.Write(_handle, bytes, _length);
            _length += bytes.Length;
        }
        catch (IOException)
        {
            // A short write would leave a torn line: it is cut off, and the next line starts after the last whole one.
            try
            {
                RandomAccess.SetLength(_handle, _length);
            }
            catch (IOException)
            {
                // Readers ignore a torn line, and the next write overwrites it.
            }

            throw;
        }
    }

    public void Dispose() => _handle?.Dispose();
}
