using System.Diagnostics;

namespace Flepimop2.Tests.Common;

/// <summary>
/// A small tmpfs mounted for one test (as root, as CI runs), so that a full disk or a read-only store is real, not faked.
/// Unmounted when the test ends. Fails, never skips, where mounting is not allowed.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> KiB on a fresh directory.</summary>
    public static SmallDisk Mount(int kilobytes)
    {
        var path = Directory.CreateTempSubdirectory("flepimop2-disk-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Fills the disk: a file grows until the kernel says there is no space left.</summary>
    public void Fill()
    {
        using var filler = new FileStream(Combine("filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                filler.Write(block);
            }
        }
        catch (IOException)
        {
            // Full.
        }

        // Whatever is left below a block goes too.
        try
        {
            while (true)
            {
                filler.Write(block, 0, 1);
            }
        }
        catch (IOException)
        {
            // Full to the byte.
        }
    }

    /// <summary>Makes the whole disk read-only (a remount), as a store on a read-only file system is.</summary>
    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            // Best effort: a test that failed half-way must not hide its own failure behind this one.
        }
    }

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', args)} failed ({error.Trim()}); the disk tests need root to mount a tmpfs, as CI has");
        }
    }
}
