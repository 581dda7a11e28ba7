using Flepimop2.Jobs.Shell.Internal;
using Microsoft.Win32.SafeHandles;

namespace Flepimop2.Cli;

/// <summary>
/// <c>flepimop2 job supervise ...</c>: a shell sweep's supervisor (see <see cref="SweepSupervisor"/>), started by the shell
/// runner and never by hand. Taken before the command line is parsed, as <see cref="ExecEntry"/> is: it must start fast and
/// must not stop on a signal as other commands do.
/// </summary>
internal static class SuperviseEntry
{
    /// <summary>Whether the arguments are this entry's.</summary>
    public static bool Matches(string[] args) => args.AsSpan().StartsWith(SweepSupervisor.Command);

    public static int Run(string[] args)
    {
        // Descriptor 0 itself, unbuffered: the console's streams would hold a copy of it (and of 1 and 2) for the sweep's life.
        using var input = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        return SweepSupervisor.Run(args[SweepSupervisor.Command.Length..], input, TimeProvider.System, error: null);
    }
}
