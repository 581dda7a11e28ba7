namespace Flepimop2.Internal;

/// <summary>
/// An exclusive advisory lock between processes, held while a file is open with <see cref="FileShare.None"/>
/// (which .NET maps to <c>flock(LOCK_EX)</c> on Unix). The kernel drops it when the holder dies, so a
/// killed process never leaves the store locked.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        var started = Environment.TickCount64;
        var delay = 1;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (Environment.TickCount64 - started < timeout.TotalMilliseconds && File.Exists(path))
            {
                Thread.Sleep(Random.Shared.Next(delay, delay * 2 + 1));
                delay = Math.Min(delay * 2, 20);
            }
            catch (IOException ex)
            {
                throw new JobStoreException(path, $"could not lock '{path}' within {timeout.TotalSeconds:0} s: {ex.Message}", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
