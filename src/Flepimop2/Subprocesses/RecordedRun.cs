using System.Runtime.InteropServices;

namespace Flepimop2.Subprocesses;

/// <summary>
/// Runs one program as a child and waits for it with <c>wait4</c>, which gives what <see cref="System.Diagnostics.Process"/>
/// cannot: how it ended (exit code or signal, never confused) and what it used (the peak resident memory of the largest of
/// its processes that were waited for, and their CPU time). The child is started with <c>posix_spawnp</c>, with every signal
/// at its default disposition and none blocked (this process's runtime ignores some), this process's environment, and
/// stdin, stdout and stderr shared.
/// </summary>
internal static unsafe partial class RecordedRun
{
    private const short SetSignalDefaults = 0x04;
    private const short SetSignalMask = 0x08;
    private const int Interrupted = 4;
    private const int NoChild = 10;
    private const int ReadOnly = 0;
    private const int WriteAppendCreate = 0x1 | 0x40 | 0x400;

    /// <summary>How a run ended and what it used.</summary>
    /// <param name="ExitCode">Its exit code, when it exited.</param>
    /// <param name="Signal">The signal that ended it, when one did.</param>
    /// <param name="PeakRssBytes">Its largest process's peak resident memory.</param>
    /// <param name="CpuSeconds">Its processes' user and system CPU time.</param>
    internal readonly record struct Outcome(int? ExitCode, int? Signal, long PeakRssBytes, double CpuSeconds);

    /// <summary>Starts <paramref name="argv"/> (its program found on PATH when it has no <c>/</c>).</summary>
    /// <param name="argv">The program and its arguments.</param>
    /// <param name="output">A file its standard output and error are appended to (created when missing), its standard input
    /// then <c>/dev/null</c>; null to share this process's three.</param>
    /// <param name="environment"><c>NAME=VALUE</c> entries that replace or join this process's environment.</param>
    /// <returns>The child's pid.</returns>
    /// <exception cref="IOException">It could not be started; the message names the program and the reason.</exception>
    public static int Start(IReadOnlyList<string> argv, string? output = null, IReadOnlyList<string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var extra = environment ?? [];
        var strings = new IntPtr[argv.Count + 1];
        var added = new IntPtr[extra.Count + 2];
        var attributes = stackalloc byte[1024];
        var actions = stackalloc byte[1024];
        var signals = stackalloc byte[256];
        var hasActions = false;
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                strings[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            for (var i = 0; i < extra.Count; i++)
            {
                added[i] = Marshal.StringToCoTaskMemUTF8(extra[i]);
            }

            if (output is not null)
            {
                added[extra.Count] = Marshal.StringToCoTaskMemUTF8(output);
                added[extra.Count + 1] = Marshal.StringToCoTaskMemUTF8("/dev/null");
                Check(FileActionsInit(actions), "posix_spawn_file_actions_init");
                hasActions = true;
                Check(FileActionsAddOpen(actions, 0, (byte*)added[extra.Count + 1], ReadOnly, 0), "posix_spawn_file_actions_addopen");
                Check(FileActionsAddOpen(actions, 1, (byte*)added[extra.Count], WriteAppendCreate, 0x1B6 /* 0666, less the umask */), "posix_spawn_file_actions_addopen");
                Check(FileActionsAddDup2(actions, 1, 2), "posix_spawn_file_actions_adddup2");
            }

            Check(SpawnAttrInit(attributes), "posix_spawnattr_init");
            Check(SigFillSet(signals), "sigfillset");
            Check(SpawnAttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            Check(SigEmptySet(signals), "sigemptyset");
            Check(SpawnAttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            Check(SpawnAttrSetFlags(attributes, SetSignalDefaults | SetSignalMask), "posix_spawnattr_setflags");
            var variables = EnvironmentWith(added.AsSpan(0, extra.Count));
            fixed (IntPtr* args = strings)
            fixed (IntPtr* envp = variables)
            {
                var error = Spawn(out var pid, (byte*)strings[0], hasActions ? actions : null, attributes, (byte**)args, variables is null ? Environ() : (byte**)envp);
                _ = SpawnAttrDestroy(attributes);
                return error == 0 ? pid : throw new IOException($"cannot start '{argv[0]}': {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
        finally
        {
            if (hasActions)
            {
                _ = FileActionsDestroy(actions);
            }

            foreach (var s in strings.Concat(added))
            {
                Marshal.FreeCoTaskMem(s);
            }
        }
    }

    /// <summary>Waits for any child to end (through signals this process receives meanwhile).</summary>
    /// <returns>The child's pid and how it ended; null when this process has no child left.</returns>
    public static (int Pid, Outcome Outcome)? WaitAny()
    {
        Usage usage;
        int status;
        int pid;
        while ((pid = Wait4(-1, &status, 0, &usage)) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == NoChild)
            {
                return null;
            }

            if (errno != Interrupted)
            {
                throw new IOException($"cannot wait for a child process: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        return (pid, OutcomeOf(status, usage));
    }

    /// <summary>Waits for the child <paramref name="pid"/> to end (through signals this process receives meanwhile).</summary>
    public static Outcome Wait(int pid)
    {
        Usage usage;
        int status;
        while (Wait4(pid, &status, 0, &usage) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                throw new IOException($"cannot wait for process {pid}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        return OutcomeOf(status, usage);
    }

    /// <summary>
    /// The peak memory to record of a run: the kernel's figure counts against the child the memory of the process that
    /// started it (they share it until the exec), so a figure no larger than that process's own resident memory when it
    /// started the child (<paramref name="shared"/>) gives way to the child's own high-water marks read while it ran.
    /// </summary>
    public static long PeakOf(Outcome outcome, long shared, long sampled) =>
        outcome.PeakRssBytes > shared + (shared / 20) || sampled == 0 ? outcome.PeakRssBytes : sampled;

    private static Outcome OutcomeOf(int status, Usage usage)
    {
        var signal = status & 0x7f;
        var cpu = usage.UserSeconds + (usage.UserMicroseconds / 1e6) + usage.SystemSeconds + (usage.SystemMicroseconds / 1e6);
        return signal == 0
            ? new Outcome((status >> 8) & 0xff, null, usage.MaxRssKilobytes * 1024, cpu)
            : new Outcome(null, signal, usage.MaxRssKilobytes * 1024, cpu);
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new IOException($"{what} failed: {Marshal.GetPInvokeErrorMessage(result)}");
        }
    }

    /// <summary>This process's environment, exactly (bytes that are not UTF-8 included), as the C library keeps it.</summary>
    private static byte** Environ()
    {
        var address = DlSym(IntPtr.Zero, "environ");
        return address == IntPtr.Zero ? null : *(byte***)address;
    }

    /// <summary>
    /// This process's environment with <paramref name="added"/> (<c>NAME=VALUE</c>, each in C memory) in place of the
    /// entries of the same names, null-terminated; null when nothing is added.
    /// </summary>
    private static IntPtr[]? EnvironmentWith(ReadOnlySpan<IntPtr> added)
    {
        if (added.IsEmpty)
        {
            return null;
        }

        var kept = new List<IntPtr>();
        for (var entry = Environ(); entry is not null && *entry is not null; entry++)
        {
            var text = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(*entry);
            var replaced = false;
            foreach (var a in added)
            {
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)a);
                name = name[..(name.IndexOf((byte)'=') + 1)];
                replaced |= text.StartsWith(name);
            }

            if (!replaced)
            {
                kept.Add((IntPtr)(*entry));
            }
        }

        return [.. kept, .. added, IntPtr.Zero];
    }

    [LibraryImport("libc", EntryPoint = "posix_spawnp")]
    private static partial int Spawn(out int pid, byte* file, byte* fileActions, byte* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int FileActionsInit(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int FileActionsDestroy(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    private static partial int FileActionsAddOpen(byte* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int FileActionsAddDup2(byte* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static partial int SpawnAttrInit(byte* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static partial int SpawnAttrDestroy(byte* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static partial int SpawnAttrSetFlags(byte* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int SpawnAttrSetSigDefault(byte* attributes, byte* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int SpawnAttrSetSigMask(byte* attributes, byte* signals);

    [LibraryImport("libc", EntryPoint = "sigfillset", SetLastError = true)]
    private static partial int SigFillSet(byte* set);

    [LibraryImport("libc", EntryPoint = "sigemptyset", SetLastError = true)]
    private static partial int SigEmptySet(byte* set);

    [LibraryImport("libc", EntryPoint = "wait4", SetLastError = true)]
    private static partial int Wait4(int pid, int* status, int options, Usage* usage);

    [LibraryImport("libc", EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlSym(IntPtr handle, string symbol);

    /// <summary><c>struct rusage</c> on 64-bit Linux: two <c>timeval</c>s, then fourteen longs from <c>ru_maxrss</c> (in KiB).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Usage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRssKilobytes;
        public fixed long Rest[13];
    }
}
