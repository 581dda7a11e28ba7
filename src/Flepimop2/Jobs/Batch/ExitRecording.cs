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

    /// <summary>A job's record, in its run directory.</summary>
    public static string JobRecord(string runDirectory) => Path.Join(runDirectory, "exit.json");

    /// <summary>The directory of a sweep's task records, in its run directory.</summary>
    public static string TaskRecords(string runDirectory) => Path.Join(runDirectory, "exit");

    /// <summary>The record of the task at <paramref name="position"/> of a sweep.</summary>
    public static string TaskRecord(string runDirectory, int position) =>
        Path.Join(TaskRecords(runDirectory), position.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");

    /// <summary>
    /// Appends the recorder's function and the record's path: for one job its file, for a sweep the task's file by its
    /// position (<c>flepimop2_task</c>, which the sweep's lines set before).
    /// </summary>
    public static StringBuilder Append(StringBuilder script, IReadOnlyList<string> recorder, string runDirectory, bool sweep)
    {
        var record = sweep
            ? $"{ShellQuote.Quote(TaskRecords(runDirectory) + "/")}\"$flepimop2_task.json\""
            : ShellQuote.Quote(JobRecord(runDirectory));
        return script
            .Append(RecordVariable).Append('=').Append(record).Append('\n')
            .Append("flepimop2_recorder=(").AppendJoin(' ', recorder.Select(ShellQuote.Quote)).Append(")\n")
            .Append(Function).Append("() {\n")
            .Append("  local rc started ended\n")
            .Append("  if (( ${#flepimop2_recorder[@]} > 0 )) && command -v -- \"${flepimop2_recorder[0]}\" >/dev/null 2>&1; then\n")
            .Append("    \"${flepimop2_recorder[@]}\" job exec --exit-record \"$").Append(RecordVariable).Append("\" -- \"$@\"\n")
            .Append("    rc=$?\n")
            .Append("    [[ -e $").Append(RecordVariable).Append(" ]] && return \"$rc\"\n")
            .Append("  fi\n")
            .Append("  # The recorder did not start here: bash records the exit code and the times.\n")
            .Append("  started=$EPOCHREALTIME\n")
            .Append("  \"$@\"\n")
            .Append("  rc=$?\n")
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
