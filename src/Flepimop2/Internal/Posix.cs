using System.Runtime.InteropServices;

namespace Flepimop2.Internal;

/// <summary>
/// The few POSIX calls .NET does not wrap: signals to a process or a process group, and opening a file without
/// following a symbolic link, without blocking on a FIFO, and with its type checked on the open descriptor.
/// </summary>
internal static partial class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    public const int Enoent = 2;
    public const int Esrch = 3;
    public const int Eacces = 13;
    public const int Eexist = 17;
    public const int Enotdir = 20;
    public const int Eisdir = 21;
    public const int Eperm = 1;
    public const int Eagain = 11;
    public const int Enxio = 6;
    public const int Eloop = 40;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int ORdWr = 2;
    public const int OAppend = 0x400;
    public const int OCreat = 0x40;
    public const int ONoCtty = 0x100;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int StatxModeOffset = 28;
    private const int StatxInoOffset = 32;
    private const int StatxBufferSize = 256;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    /// <summary><c>O_NOFOLLOW</c>, whose value differs between architectures.</summary>
    public static int ONoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>Sends a signal to every process in a group.</summary>
    /// <returns><see langword="false"/> when the group has no process left.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The group id is not above 1: <c>kill</c> would read it as "every process".</exception>
    public static bool SignalGroup(int processGroup, int signal)
    {
        // kill(0, s) signals our own group and kill(-1, s) every process we may signal: never what a caller means.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(processGroup, 1);
        return Signal(-processGroup, signal);
    }

    /// <summary>Sends a signal to one process.</summary>
    /// <returns><see langword="false"/> when the process no longer exists.</returns>
    public static bool SignalProcess(int pid, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 1);
        return Signal(pid, signal);
    }

    /// <summary>This process's group id.</summary>
    public static int ProcessGroup() => GetProcessGroup();

    /// <summary>Opens a file descriptor (see <c>open(2)</c>); the error number on failure.</summary>
    public static int Open(string path, int flags, int mode, out int errno)
    {
        var fd = OpenCore(path, flags | OCloExec, mode);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>The file type bits (<c>S_IFMT</c> of <c>st_mode</c>) of an open descriptor, or -1 with the error number.</summary>
    public static unsafe int FileType(int fd, out int errno)
    {
        var buffer = stackalloc byte[StatxBufferSize];
        if (Statx(fd, string.Empty, AtEmptyPath, StatxType, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return -1;
        }

        errno = 0;
        return *(ushort*)(buffer + StatxModeOffset) & 0xF000;
    }

    /// <summary>The inode number of an open descriptor, or -1.</summary>
    public static unsafe long InodeNumber(int fd)
    {
        var buffer = stackalloc byte[StatxBufferSize];
        return Statx(fd, string.Empty, AtEmptyPath, StatxIno, buffer) == 0 ? *(long*)(buffer + StatxInoOffset) : -1;
    }

    /// <summary>Takes <c>flock(LOCK_EX | LOCK_NB)</c>; false when another holder has it.</summary>
    public static bool TryLockExclusive(int fd, out int errno)
    {
        if (Flock(fd, LockExclusive | LockNonBlocking) == 0)
        {
            errno = 0;
            return true;
        }

        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    public static void Close(int fd) => _ = CloseCore(fd);

    /// <summary>Makes <paramref name="target"/> another descriptor of <paramref name="fd"/>'s file (see <c>dup2(2)</c>); 0, or the error number.</summary>
    public static int Duplicate(int fd, int target) => Dup2(fd, target) >= 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Creates a directory (see <c>mkdir(2)</c>); fails with EEXIST when the name is taken, so a caller can claim a name.</summary>
    /// <returns>0, or the error number.</returns>
    public static int MakeDirectory(string path) => MakeDirectoryCore(path, 0x1FF /* 0777, less the umask */) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>This process's session id.</summary>
    public static int Session() => GetSession(0);

    /// <summary>Gives an existing file a second name (see <c>link(2)</c>); fails with EEXIST when the name is taken.</summary>
    /// <returns>0, or the error number.</returns>
    public static int Link(string existing, string newName) => LinkCore(existing, newName) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>The system's text for an error number.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static bool Signal(int target, int signal)
    {
        if (Kill(target, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Esrch ? false : throw new Flepimop2Exception($"could not signal {(target < 0 ? $"process group {-target}" : $"process {target}")}: {Describe(errno)}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getpgrp")]
    private static partial int GetProcessGroup();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenCore(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseCore(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeDirectoryCore(string path, int mode);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int fd, int target);

    [LibraryImport("libc", EntryPoint = "getsid")]
    private static partial int GetSession(int pid);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkCore(string existing, string newName);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}
