namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// The small <c>sh</c> program that runs a detached job: <c>setsid sh -c SCRIPT flepimop2-job LOG_ROOT MV argv...</c>. The job's
/// argv arrives as positional parameters, so no part of it is ever read by the shell. It first reads, on its standard input,
/// the name of the job's directory under <c>LOG_ROOT</c> (the submitter names it after the recorder's own pid, which it
/// only knows once the recorder runs); if the submitter goes away before saying, the job never starts. Then it sends the
/// job's output to <c>output.log</c> and, when the job ends, writes its exit code atomically to <c>exit_code</c>. Trapping
/// (not ignoring) the signals keeps the recorder alive while the job (which gets default dispositions back) dies, so the
/// exit code is written even when the job is cancelled.
/// </summary>
internal static class ShellRecorder
{
    public const string LogFileName = "output.log";

    public const string ExitFileName = "exit_code";

    /// <summary>Exit code of a recorder whose submitter never named the job's directory: the job did not run.</summary>
    public const int NotStarted = 125;

    public const string Script =
        "IFS= read -r name || exit 125\n" +
        "case $name in ''|*/*|.|..) exit 125 ;; esac\n" +
        "dir=$1/$name; mv=$2; shift 2\n" +
        "exec </dev/null >>\"$dir/output.log\" 2>&1\n" +
        "trap 'caught=1' HUP INT TERM\n" +
        "\"$@\"\n" +
        "rc=$?\n" +
        "printf '%s\\n' \"$rc\" >\"$dir/exit_code.tmp\" && \"$mv\" -f \"$dir/exit_code.tmp\" \"$dir/exit_code\"\n";

    /// <summary>The argv that starts the recorder in a new session for a job; <c>mv</c> by absolute path, since the job's
    /// environment (which the recorder shares) may have no PATH.</summary>
    public static IReadOnlyList<string> Argv(string setsid, string sh, string mv, string logRoot, IReadOnlyList<string> job) =>
        [setsid, sh, "-c", Script, "flepimop2-job", logRoot, mv, .. job];
}
