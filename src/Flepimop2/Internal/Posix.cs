using System.Runtime.InteropServices;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>The few POSIX calls .NET does not wrap: signalling a whole process group.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    private const int Esrch = 3;

    /// <summary>Sends a signal to every process in a group.</summary>
    /// <returns><see langword="false"/> when the group has no process left.</returns>
    public static bool SignalGroup(int processGroup, int signal)
    {
        if (Kill(-processGroup, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Esrch ? false : throw new Flepimop2Exception($"could not signal process group {processGroup}: errno {errno}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
