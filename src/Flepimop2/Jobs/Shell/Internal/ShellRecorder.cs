namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// The small <c>sh</c> program that runs a detached job: <c>setsid sh -c SCRIPT flepimop2-job LOG_ROOT MV RECORDER argv...</c>. The job's
/// argv arrives as positional parameters, so no part of it is ever read by the shell. It first reads, on its standard input,
/// the name of the job's directory under <c>LOG_ROOT</c> (the submitter names it after the recorder's own pid, which it
/// only knows once the recorder runs); if the submitter goes away before saying, the job never starts. Then it sends the
/// job's output to <c>output.log</c>, touches <c>started</c> as the job starts and, when the job ends, writes its exit code
/// atomically to <c>exit_code</c> (the two files' times give its elapsed time). A file of its own that is already there
/// and not a regular file (a FIFO would block the write, and be renamed into place) is never written or renamed: the
/// temporary file then gets another name. Trapping
/// (not ignoring) the signals keeps the recorder alive while the job (which gets default dispositions back) dies, so the
/// exit code is written even when the job is cancelled.
/// </summary>
internal static class ShellRecorder
{
    public const string LogFileName = "output.log";

    public const string ExitFileName = "exit_code";

    /// <summary>Exit code of a recorder whose submitter never named the job's directory: the job did not run.</summary>
    public const int NotStarted = 125;

    /// <summary>
    /// <c>flepimop2_put FILE TEXT</c> (sh and bash): writes TEXT and a newline to <c>FILE.tmp</c> and renames it over FILE,
    /// atomically. A <c>FILE.tmp</c> that is there and not a regular file (a FIFO would block the write, and be renamed into
    /// place) is left alone for another name, and nothing but a regular file is ever renamed into place.
    /// </summary>
    public const string PutFunction =
        "flepimop2_put() { flepimop2_tmp=$1.tmp; [ ! -e \"$flepimop2_tmp\" ] || [ -f \"$flepimop2_tmp\" ] || flepimop2_tmp=$1.$$.tmp; printf '%s\\n' \"$2\" >\"$flepimop2_tmp\" && [ -f \"$flepimop2_tmp\" ] && \"$mv\" -f \"$flepimop2_tmp\" \"$1\"; }\n";

    /// <summary>
    /// <c>flepimop2_run ARGV...</c> (sh and bash): runs the job in the foreground, under the exit recorder (<c>$rec job exec
    /// --exit-record $dir/exit.json</c>, which records its times and peak memory) when there is one, and sets <c>rc</c>. A
    /// recorder that did not start the job (it left no record) leaves it to run here, once.
    /// </summary>
    public const string RunFunction =
        "flepimop2_run() {\n" +
        "  if [ -n \"$rec\" ]; then \"$rec\" job exec --exit-record \"$dir/exit.json\" -- \"$@\"; rc=$?; [ -e \"$dir/exit.json\" ] && return 0; fi\n" +
        "  \"$@\"; rc=$?\n" +
        "}\n";

    /// <summary>The exit record the job's recorder writes beside <c>exit_code</c>.</summary>
    public const string ExitRecordFileName = "exit.json";

    public const string Script =
        "IFS= read -r name || exit 125\n" +
        "case $name in ''|*/*|.|..) exit 125 ;; esac\n" +
        "dir=$1/$name; mv=$2; rec=$3; shift 3\n" +
        "exec </dev/null >>\"$dir/output.log\" 2>&1\n" +
        "trap 'caught=1' HUP INT TERM\n" +
        PutFunction +
        RunFunction +
        "[ -e \"$dir/started\" ] || : >\"$dir/started\"\n" +
        "flepimop2_run \"$@\"\n" +
        "flepimop2_put \"$dir/exit_code\" \"$rc\"\n";

    /// <summary>
    /// The recorder of a job that waits for others first (bash, for <see cref="ShellPredecessors.Bash"/>): while it waits
    /// the job's directory holds <c>waiting</c>; if a predecessor that had to succeed did not, or the wait is cancelled, it
    /// writes the reason to <c>not_run</c> and the job never starts.
    /// </summary>
    public const string WaitingScript =
        ShellPredecessors.Bash +
        "IFS= read -r name || exit 125\n" +
        "case $name in ''|*/*|.|..) exit 125 ;; esac\n" +
        "dir=$1/$name; mv=$2; rec=$3; shift 3\n" +
        "exec </dev/null >>\"$dir/output.log\" 2>&1\n" +
        "trap 'caught=1' HUP INT TERM\n" +
        PutFunction +
        RunFunction +
        "if ! flepimop2_wait_after \"$dir/after\"; then\n" +
        "  flepimop2_put \"$dir/not_run\" \"$flepimop2_why\"\n" +
        "  rm -f \"$dir/waiting\"\n" +
        "  exit 0\n" +
        "fi\n" +
        "rm -f \"$dir/waiting\"\n" +
        "[ -e \"$dir/started\" ] || : >\"$dir/started\"\n" +
        "flepimop2_run \"$@\"\n" +
        "flepimop2_put \"$dir/exit_code\" \"$rc\"\n";

    /// <summary>The argv that starts the recorder in a new session for a job; <c>mv</c> by absolute path, since the job's
    /// environment (which the recorder shares) may have no PATH.</summary>
    public static IReadOnlyList<string> Argv(string setsid, string sh, string mv, string logRoot, string recorder, IReadOnlyList<string> job) =>
        [setsid, sh, "-c", Script, "flepimop2-job", logRoot, mv, recorder, .. job];

    /// <summary>The argv that starts the waiting recorder (<see cref="WaitingScript"/>) under bash.</summary>
    public static IReadOnlyList<string> WaitingArgv(string setsid, string bash, string mv, string logRoot, string recorder, IReadOnlyList<string> job) =>
        [setsid, bash, "-c", WaitingScript, "flepimop2-job", logRoot, mv, recorder, .. job];

    /// <summary>
    /// The exit recorder the job runs under: this program when it is flepimop2 (or flepimop2 on PATH) started as one file,
    /// else none (an empty argument: the job runs as before, with its exit code and times but no peak memory).
    /// </summary>
    public static string Recorder() => Subprocesses.Executables.CommandLineProgram() is [var program] ? program : string.Empty;
}
