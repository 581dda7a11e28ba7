using Flepimop2.Jobs.Internal;

namespace Flepimop2.Cli;

/// <summary>
/// <c>flepimop2 job exec --exit-record FILE [--cancel-file FILE] -- PROGRAM [ARGS...]</c>: the wrapper a job's script runs
/// its command under (see <see cref="ExitRecorder"/>; a packed task's cancel file ends it on its own). Taken before the command line is parsed: it must start fast, must not stop on a
/// signal as other commands do, and passes everything after <c>--</c> on exactly.
/// </summary>
internal static class ExecEntry
{
    /// <summary>Whether the arguments are this entry's.</summary>
    public static bool Matches(string[] args) => args is ["job", "exec", ..];

    public static int Run(string[] args)
    {
        string? cancel = null;
        var command = 5;
        if (args is ["job", "exec", "--exit-record", { Length: > 0 }, "--cancel-file", { Length: > 0 } file, "--", { Length: > 0 }, ..])
        {
            cancel = file;
            command = 7;
        }
        else if (args is not ["job", "exec", "--exit-record", { Length: > 0 }, "--", { Length: > 0 }, ..])
        {
            Console.Error.WriteLine("error: usage: flepimop2 job exec --exit-record FILE [--cancel-file FILE] -- PROGRAM [ARGS...] (the wrapper of a job's command, written into job scripts)");
            return ExitCodes.Usage;
        }

        var record = args[3];
        try
        {
            return ExitRecorder.Run(record, args[command..], TimeProvider.System, Console.Error, cancel);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot record the command's exit in {record}: {ex.Message}");
            return ExitCodes.Error;
        }
    }
}
