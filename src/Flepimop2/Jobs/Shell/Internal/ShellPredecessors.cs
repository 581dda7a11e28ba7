using System.Globalization;
using System.Text;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// How a detached shell job (or sweep) waits for its predecessors, in its own recorder or supervisor rather than in the
/// submitting process. The submitter writes the list into the job's directory (<c>after</c>: six NUL-terminated fields
/// per predecessor, <c>CONDITION KEY KIND WHERE PID START</c>, read with <c>mapfile -d ''</c>), and <see cref="Bash"/> polls
/// each predecessor's own record once a second: a detached job's <c>exit_code</c>, a sweep's <c>outcome</c> once its
/// <c>done</c> exists, and, when there is none yet, whether the predecessor's process (pid and start time) still runs. A
/// detached job that ended without starting its command (<c>not_run</c>, or no <c>started</c>) never ran. A
/// blocking predecessor has ended before its record exists, so its outcome is written in directly (<c>known</c>).
/// While waiting the directory holds <c>waiting</c>; a job that will not run gets <c>not_run</c> with the reason.
/// </summary>
internal static class ShellPredecessors
{
    public const string FileName = "after";
    public const string WaitingFileName = "waiting";
    public const string NotRunFileName = "not_run";

    /// <summary>
    /// Bash functions: <c>flepimop2_wait_after FILE</c> returns 0 once every predecessor allows the job to run, or 1 with
    /// <c>flepimop2_why</c> set when one that had to succeed did not, or when the wait was stopped (<c>caught</c> or
    /// <c>stop</c> set by a signal trap). The signal also ends the command substitution that asks about a predecessor, whose
    /// answer is then empty: that counts as not ended, and the flag is looked at again before the job may go.
    /// </summary>
    public const string Bash =
        "flepimop2_predecessor_state() {\n" +
        "  local kind=$1 where=$2 pid=$3 start=$4 code='' outcome='' stat\n" +
        "  case $kind in\n" +
        "    known) printf '%s\\n' \"$where\"; return ;;\n" +
        "    sweep) [[ -f $where/done ]] && { [[ -f $where/outcome ]] && IFS= read -r outcome <\"$where/outcome\" 2>/dev/null; [[ $outcome == successful ]] && echo successful || echo failed; return; } ;;\n" +
        "    job) [[ -n $where && -f $where/exit_code ]] && { IFS= read -r code <\"$where/exit_code\" 2>/dev/null; [[ $code == 0 ]] && echo successful || echo failed; return; } ;;\n" +
        "  esac\n" +
        "  if [[ $pid =~ ^[0-9]+$ ]] && (( pid > 1 )) && IFS= read -r stat 2>/dev/null <\"/proc/$pid/stat\"; then\n" +
        "    set -f; set -- ${stat##*) }; set +f\n" +
        "    [[ $1 != Z && ${20} == \"$start\" ]] && { echo running; return; }\n" +
        "  fi\n" +
        "  case $kind in\n" +
        "    sweep) [[ -f $where/done ]] && { [[ -f $where/outcome ]] && IFS= read -r outcome <\"$where/outcome\" 2>/dev/null; [[ $outcome == successful ]] && echo successful || echo failed; return; } ;;\n" +
        "    job) [[ -n $where && -f $where/exit_code ]] && { IFS= read -r code <\"$where/exit_code\" 2>/dev/null; [[ $code == 0 ]] && echo successful || echo failed; return; }\n" +
        "      [[ -n $where && ( -e $where/not_run || ! -e $where/started ) ]] && { echo notrun; return; } ;;\n" +
        "  esac\n" +
        "  echo unknown\n" +
        "}\n" +
        "flepimop2_wait_after() {\n" +
        "  local spec j state pending\n" +
        "  mapfile -d '' spec <\"$1\" || { flepimop2_why='its list of predecessors could not be read'; return 1; }\n" +
        "  while :; do\n" +
        "    if (( ${caught:-0} || ${stop:-0} )); then flepimop2_why='cancelled while waiting for its predecessors'; return 1; fi\n" +
        "    pending=0\n" +
        "    for ((j = 0; j + 5 < ${#spec[@]}; j += 6)); do\n" +
        "      state=$(flepimop2_predecessor_state \"${spec[j + 2]}\" \"${spec[j + 3]}\" \"${spec[j + 4]}\" \"${spec[j + 5]}\")\n" +
        "      case $state in\n" +
        "        running | '') pending=1 ;;\n" +
        "        failed | notrun | unknown) if [[ ${spec[j]} == ok ]]; then\n" +
        "            case $state in failed) state=failed ;; notrun) state='never ran' ;; *) state='ended without an exit record' ;; esac\n" +
        "            flepimop2_why=\"dependency ${spec[j + 1]} $state\"\n" +
        "            return 1\n" +
        "          fi ;;\n" +
        "      esac\n" +
        "    done\n" +
        "    if (( ${caught:-0} || ${stop:-0} )); then flepimop2_why='cancelled while waiting for its predecessors'; return 1; fi\n" +
        "    (( pending )) || return 0\n" +
        "    sleep 1\n" +
        "  done\n" +
        "}\n";

    /// <summary>
    /// Writes the list of predecessors into a job's directory, and marks it waiting: the submitter does, before the job's
    /// recorder may start, so that no status query ever sees the job between its start and its wait.
    /// </summary>
    public static void Write(string directory, IReadOnlyList<JobDependency> after)
    {
        var text = new StringBuilder();
        foreach (var dependency in after)
        {
            var (kind, where, pid, start) = Describe(dependency.Handle);
            foreach (var field in new[] { dependency.ConditionName, dependency.Handle.Key, kind, where, pid, start })
            {
                text.Append(field.Replace("\0", string.Empty, StringComparison.Ordinal)).Append('\0');
            }
        }

        AtomicFile.WriteAllText(Path.Combine(directory, FileName), text.ToString());
        AtomicFile.WriteAllText(Path.Combine(directory, WaitingFileName), string.Empty);
    }

    /// <summary>
    /// After a cancelled job has ended: if it ended while still waiting (a signal that came before its recorder set its
    /// trap ends it at once), records that it did not run, as its recorder would have.
    /// </summary>
    public static void RecordCancelledWhileWaiting(string directory)
    {
        if (File.Exists(Path.Combine(directory, WaitingFileName)) && !File.Exists(Path.Combine(directory, NotRunFileName)))
        {
            AtomicFile.WriteAllText(Path.Combine(directory, NotRunFileName), "cancelled while waiting for its predecessors\n");
            File.Delete(Path.Combine(directory, WaitingFileName));
        }
    }

    /// <summary>Whether the job is waiting now, and why it will not run, if it will not (at most 4 KiB, one line).</summary>
    public static (bool Waiting, string? NotRun) Read(string directory)
    {
        var waiting = File.Exists(Path.Combine(directory, WaitingFileName));
        try
        {
            var text = Encoding.UTF8.GetString(SafeFile.ReadAllBytes(Path.Combine(directory, NotRunFileName), followLinks: false, maxBytes: 4096)).Trim();
            return (waiting, text.Length == 0 ? "it did not run" : text.ReplaceLineEndings(" "));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (waiting, null);
        }
    }

    /// <summary>Whether a predecessor has not ended yet (for a blocking job, which cannot wait).</summary>
    public static bool IsUnfinished(JobHandle predecessor) => !Status(predecessor).Status.IsFinished();

    /// <summary>A predecessor's status, asked of the shell runner's own records.</summary>
    public static JobStatusResult Status(JobHandle predecessor) =>
        SweepInfo.Of(predecessor) is { } sweep ? ShellSweeps.Status(predecessor, sweep)
        : ShellRecord.IsBlockingJob(predecessor) ? ShellStates.Blocking(predecessor)
        : DetachedShellJobs.Status(predecessor);

    /// <summary>
    /// The start time that identifies the predecessor's process for the waiter, decided now by the one liveness rule
    /// (<see cref="ShellJobProcess.Judge"/>): the process the rule takes for the job, by its start time; or <c>-1</c> when
    /// no process is the job (it has ended, or its pid now belongs to another), which the waiter never takes for running.
    /// </summary>
    private static string PinnedStart(JobHandle predecessor)
    {
        var check = DetachedShellJobs.Judge(predecessor);
        return check.Verdict == ShellProcessVerdict.Running ? check.Probe.StartTicks.ToString(CultureInfo.InvariantCulture) : "-1";
    }

    private static (string Kind, string Where, string Pid, string Start) Describe(JobHandle predecessor)
    {
        if (ShellRecord.IsBlockingJob(predecessor))
        {
            var status = ShellStates.Blocking(predecessor).Status;
            return ("known", status == JobStatus.Successful ? "successful" : "failed", "0", "0");
        }

        var pid = ShellJobProcess.RecordedPid(predecessor)?.ToString(CultureInfo.InvariantCulture) ?? "0";
        var start = PinnedStart(predecessor);
        if (SweepInfo.Of(predecessor) is not null)
        {
            return ("sweep", predecessor.MetadataText("run_dir") ?? string.Empty, pid, start);
        }

        var exitFile = predecessor.MetadataText("exit_file");
        return ("job", exitFile is null ? string.Empty : Path.GetDirectoryName(exitFile) ?? string.Empty, pid, start);
    }

    /// <summary>The reason a waiting job gives: <c>waiting for shell-1, shell-2</c>.</summary>
    public static string WaitingReason(JobHandle handle) =>
        string.Create(CultureInfo.InvariantCulture, $"waiting for {string.Join(", ", handle.After.Select(a => a.Key))}");
}
