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

    /// <summary>How a run ended and what it used.</summary>
    /// <param name="ExitCode">Its exit code, when it exited.</param>
    /// <param name="Signal">The signal that ended it, when one did.</param>
    /// <param name="PeakRssBytes">Its largest process's peak resident memory.</param>
    /// <param name="CpuSeconds">Its processes' user and system CPU time.</param>
    internal readonly record struct Outcome(int? ExitCode, int? Signal, long PeakRssBytes, double CpuSeconds);

    /// <summary>Starts <paramref name="argv"/> (its program found on PATH when it has no <c>/</c>).</summary>
    /// <returns>The child's pid.</returns>
    /// <exception cref="IOException">It could not be started; the message names the program and the reason.</exception>
    public static int Start(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var strings = new IntPtr[argv.Count + 1];
        var attributes = stackalloc byte[1024];
        var signals = stackalloc byte[256];
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                strings[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            }

            Check(SpawnAttrInit(attributes), "posix_spawnattr_init");
            Check(SigFillSet(signals), "sigfillset");
            Check(SpawnAttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            Check(SigEmptySet(signals), "sigemptyset");
            Check(SpawnAttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            Check(SpawnAttrSetFlags(attributes, SetSignalDefaults | SetSignalMask), "posix_spawnattr_setflags");
            fixed (IntPtr* args = strings)
            {
                var environment = Environ();
                var error = Spawn(out var pid, (byte*)strings[0], IntPtr.Zero, attributes, (byte**)args, environment);
                _ = SpawnAttrDestroy(attributes);
                return error == 0 ? pid : throw new IOException($"cannot start '{argv[0]}': {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
        finally
        {
            foreach (var s in strings)
            {
                Marshal.FreeCoTaskMem(s);
            }
        }
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

    [LibraryImport("libc", EntryPoint = "posix_spawnp")]
    private static partial int Spawn(out int pid, byte* file, IntPtr fileActions, byte* attributes, byte** argv, byte** envp);

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
