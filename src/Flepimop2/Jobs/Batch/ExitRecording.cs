using System.Text;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// The part of a batch script that runs the command under its exit recorder (<c>flepimop2 job exec --exit-record</c>), so
/// that the job itself records how its command ended, where the submitter can read it. Where the recorder cannot start on
/// the node (this program is not there, or an address-space limit is too small for it), bash records what it can: the
/// exit code and the times, without the command's resource use.
/// </summary>
internal static class ExitRecording
{
    /// <summary>The variable that holds the exit record's path.</summary>
    public const string RecordVariable = "flepimop2_exit_record";

    /// <summary>The function that runs its arguments under the recorder.</summary>
    public const string Function = "flepimop2_recorded";

    /// <summary>The variable that holds a packed task's cancel mark.</summary>
    public const string CancelVariable = "flepimop2_cancel_mark";

    /// <summary>A job's record, in its run directory.</summary>
    public static string JobRecord(string runDirectory) => Path.Join(runDirectory, "exit.json");

    /// <summary>The directory of a sweep's task records, in its run directory.</summary>
    public static string TaskRecords(string runDirectory) => Path.Join(runDirectory, "exit");

    /// <summary>The directory of a packed sweep's task logs, in its run directory: each task's output and error, apart from its array task's.</summary>
    public static string TaskLogs(string runDirectory) => Path.Join(runDirectory, "log");

    /// <summary>The log of the task at <paramref name="position"/> of a packed sweep.</summary>
    public static string TaskLog(string runDirectory, int position) =>
        Path.Join(TaskLogs(runDirectory), position.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".log");

    /// <summary>The directory of a packed sweep's cancel marks: a file named by a task's position cancels that task alone.</summary>
    public static string CancelMarks(string runDirectory) => Path.Join(runDirectory, "cancel");

    /// <summary>The cancel mark of the task at <paramref name="position"/> of a packed sweep.</summary>
    public static string CancelMark(string runDirectory, int position) =>
        Path.Join(CancelMarks(runDirectory), position.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The record of the task at <paramref name="position"/> of a sweep.</summary>
    public static string TaskRecord(string runDirectory, int position) =>
        Path.Join(TaskRecords(runDirectory), position.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");

    /// <summary>
    /// How bash runs a packed task without the recorder: it records the start first (so that status sees the task running,
    /// not waiting its turn), then, where bash can wait for whichever of two children ends first (5.1 and later), runs the
    /// task in the background and looks for its cancel mark every half second, sending SIGTERM, and SIGKILL ten seconds later.
    /// </summary>
    private const string PackedFallback =
        "  local tmp=$" + RecordVariable + ".$$.tmp child sleeper ended_pid asked=\n" +
        "  [[ ! -e $tmp || -f $tmp ]] || tmp=$" + RecordVariable + ".$$.$RANDOM.tmp\n" +
        "  { printf '{\"started_at\":\"%s\",\"host\":\"%s\",\"wrapper\":\"bash\"}\\n' \"$(flepimop2_iso \"$started\")\" \"${HOSTNAME//[^A-Za-z0-9._-]/_}\" >\"$tmp\" \\\n" +
        "      && [[ -f $tmp ]] && mv -f -- \"$tmp\" \"$" + RecordVariable + "\"; } 2>/dev/null\n" +
        "  if (( BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 501 )); then\n" +
        "    \"$@\"\n" +
        "    rc=$?\n" +
        "  else\n" +
        "    \"$@\" &\n" +
        "    child=$!\n" +
        "    while :; do\n" +
        "      sleep 0.5 &\n" +
        "      sleeper=$!\n" +
        "      ended_pid=\n" +
        "      wait -n -p ended_pid \"$child\" \"$sleeper\"\n" +
        "      rc=$?\n" +
        "      [[ $ended_pid == \"$sleeper\" ]] || break\n" +
        "      if [[ -z $asked && -e $" + CancelVariable + " ]]; then\n" +
        "        asked=$SECONDS\n" +
        "        kill -TERM \"$child\" 2>/dev/null\n" +
        "      elif [[ -n $asked ]] && (( SECONDS - asked >= 10 )); then\n" +
        "        kill -KILL \"$child\" 2>/dev/null\n" +
        "      fi\n" +
        "    done\n" +
        "    kill \"$sleeper\" 2>/dev/null\n" +
        "  fi\n";

    /// <summary>The assignment of a sweep task's record path, by its position (<c>flepimop2_task</c>).</summary>
    public static string TaskRecordAssignment(string runDirectory) =>
        $"{RecordVariable}={ShellQuote.Quote(TaskRecords(runDirectory) + "/")}\"$flepimop2_task.json\"";

    /// <summary>
    /// Appends the recorder's function and the record's path: for one job its file, for a sweep the task's file by its
    /// position (<c>flepimop2_task</c>, which the sweep's lines set before). A packed sweep sets the path (and the task's
    /// cancel mark, which the recorder watches) before each of its tasks instead.
    /// </summary>
    public static StringBuilder Append(StringBuilder script, IReadOnlyList<string> recorder, string runDirectory, bool sweep, bool packed = false)
    {
        if (!packed)
        {
            script.Append(sweep ? TaskRecordAssignment(runDirectory) : $"{RecordVariable}={ShellQuote.Quote(JobRecord(runDirectory))}").Append('\n');
        }

        var cancel = packed ? $" --cancel-file \"${CancelVariable}\"" : string.Empty;
        return script
            .Append("flepimop2_recorder=(").AppendJoin(' ', recorder.Select(ShellQuote.Quote)).Append(")\n")
            .Append(Function).Append("() {\n")
            .Append("  local rc started ended\n")
            .Append("  if (( ${#flepimop2_recorder[@]} > 0 )) && command -v -- \"${flepimop2_recorder[0]}\" >/dev/null 2>&1; then\n")
            .Append("    \"${flepimop2_recorder[@]}\" job exec --exit-record \"$").Append(RecordVariable).Append('"').Append(cancel).Append(" -- \"$@\"\n")
            .Append("    rc=$?\n")
            .Append("    [[ -e $").Append(RecordVariable).Append(" ]] && return \"$rc\"\n")
            .Append("  fi\n")
            .Append("  # The recorder did not start here: bash records the exit code and the times.\n")
            .Append("  started=$EPOCHREALTIME\n")
            .Append(packed ? PackedFallback : "  \"$@\"\n  rc=$?\n")
            .Append("  ended=$EPOCHREALTIME\n")
            .Append("  # A record that cannot be written (no run directory here, a full disk) changes nothing of the job's end; nothing\n")
            .Append("  # but a regular file is written or renamed into place (a FIFO there would block the write).\n")
            .Append("  local tmp=$").Append(RecordVariable).Append(".$$.tmp\n")
            .Append("  [[ ! -e $tmp || -f $tmp ]] || tmp=$").Append(RecordVariable).Append(".$$.$RANDOM.tmp\n")
            .Append("  { printf '{\"started_at\":\"%s\",\"ended_at\":\"%s\",\"exit_code\":%d,\"host\":\"%s\",\"wrapper\":\"bash\"}\\n' \\\n")
            .Append("      \"$(flepimop2_iso \"$started\")\" \"$(flepimop2_iso \"$ended\")\" \"$rc\" \"${HOSTNAME//[^A-Za-z0-9._-]/_}\" >\"$tmp\" \\\n")
            .Append("      && [[ -f $tmp ]] && mv -f -- \"$tmp\" \"$").Append(RecordVariable).Append("\"; } 2>/dev/null\n")
            .Append("  return \"$rc\"\n")
            .Append("}\n")
            .Append("flepimop2_iso() {\n")
            .Append("  local seconds=${1%[.,]*} fraction=${1#*[.,]}\n")
            .Append("  TZ=UTC printf '%(%Y-%m-%dT%H:%M:%S)T.%sZ' \"$seconds\" \"$fraction\"\n")
            .Append("}\n");
    }
}
