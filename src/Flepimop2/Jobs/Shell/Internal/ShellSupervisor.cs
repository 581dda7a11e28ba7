using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// The bash program that runs a shell sweep: <c>[setsid] bash -c SCRIPT flepimop2-sweep LOG_ROOT MV COUNT MAX REPORTED RECORDER [PER]</c>. Like the
/// single job's recorder it first reads, on standard input, the name of its directory under <c>LOG_ROOT</c> (named after its
/// own pid, so the submitter names it once the supervisor runs); if the submitter goes away first, nothing starts. Then it
/// starts the tasks in order, at most <c>MAX</c> at a time, each from its entry of the task table (<c>table</c>, see
/// <see cref="TaskTable"/>: no eval, no parsing) with <c>FLEPIMOP2_TASK_INDEX</c> and <c>FLEPIMOP2_TASK_COUNT</c> set and
/// its output in <c>tasks/INDEX.log</c>. Each task's recorder traps the signals so it outlives a cancelled task and appends
/// <c>INDEX CODE</c> to <c>results</c> when it ends (one short append: atomic); <c>started</c> and <c>pids</c> say which
/// tasks started and as which process. A task whose <c>cancel/INDEX</c> (or <c>cancel/all</c>) exists is not started. At
/// the end it writes <c>outcome</c> (<c>successful</c> or <c>failed</c>, what a job waiting for the sweep reads), then
/// <c>done</c>, and exits 0 only if every task succeeded. A sweep that runs after other jobs first waits for them as a
/// detached job's recorder does (see <see cref="ShellPredecessors"/>). A packed sweep (<c>PER</c> above 1) starts slots
/// instead of tasks, at most <c>MAX</c> at a time (see <see cref="Jobs.Internal.Packing"/>): each slot, a subshell, runs its tasks one
/// after another, each in the foreground as above (so a failed one does not stop the rest), reading each from the table by
/// its position; a signal stops it after its running task, and a task cancelled on its own is passed over.
/// </summary>
internal static class ShellSupervisor
{
    public const string Script =
        TaskTable.BashSequentialReader +
        TaskTable.BashReader +
        ShellPredecessors.Bash +
        "IFS= read -r name || exit 125\n" +
        "case $name in ''|*/*|.|..) exit 125 ;; esac\n" +
        "run=$1/$name mv=$2 count=$3 max=$4 reported=${5:-$3} rec=${6-} per=${7:-1}\n" +
        "exec </dev/null >>\"$run/supervisor.log\" 2>&1\n" +
        "stop=0\n" +
        "trap 'stop=1' HUP INT TERM\n" +
        ShellRecorder.PutFunction +
        "finish() {\n" +
        "  flepimop2_put \"$run/outcome\" \"$1\"\n" +
        "  flepimop2_put \"$run/done\" \"$stop\"\n" +
        "}\n" +
        "if [[ -f $run/after ]]; then\n" +
        "  if ! flepimop2_wait_after \"$run/after\"; then\n" +
        "    flepimop2_put \"$run/not_run\" \"$flepimop2_why\"\n" +
        "    rm -f \"$run/waiting\"\n" +
        "    finish failed\n" +
        "    exit 1\n" +
        "  fi\n" +
        "  rm -f \"$run/waiting\"\n" +
        "fi\n" +
        "task() {\n" +
        "  local i=$1 index=$2 rc t0=$EPOCHREALTIME\n" +
        "  trap 'caught=1' HUP INT TERM\n" +
        "  exec {table}<&- {index}<&-\n" +
        "  exec >>\"$run/tasks/$i.log\" 2>&1\n" +
        "  export FLEPIMOP2_TASK_INDEX=$index FLEPIMOP2_TASK_COUNT=$reported\n" +
        // The task runs in the foreground, as a subshell that notes its own pid and start time and then becomes the task:
        // bash runs a trap only once a foreground command has ended, so $? is the task's own exit code even when the
        // signal that ends it reached this recorder too (an interrupted `wait` would lose it).
        "  (\n" +
        "    if IFS= read -r stat 2>/dev/null <\"/proc/$BASHPID/stat\"; then\n" +
        "      set -f; set -- ${stat##*) }; set +f\n" +
        "      printf '%s %s %s\\n' \"$i\" \"$BASHPID\" \"${20}\" >>\"$run/pids\"\n" +
        "    fi\n" +
        "    [[ -e $run/cancel/all || -e $run/cancel/$i ]] && exit 143\n" +
        // Under the exit recorder (times, peak memory), waited for in the foreground as above; one that did not start the
        // task (no record) leaves it to run here.
        "    if [[ -n $rec ]]; then\n" +
        "      trap 'caught=1' HUP INT TERM\n" +
        "      \"$rec\" job exec --exit-record \"$run/exit/$i.json\" -- \"${flepimop2_argv[@]}\"\n" +
        "      rc=$?\n" +
        "      [[ -e $run/exit/$i.json ]] && exit \"$rc\"\n" +
        "      trap - HUP INT TERM\n" +
        "    fi\n" +
        "    exec \"${flepimop2_argv[@]}\"\n" +
        "  )\n" +
        "  rc=$?\n" +
        "  printf '%s %s %s %s\\n' \"$i\" \"$rc\" \"$t0\" \"$EPOCHREALTIME\" >>\"$run/results\"\n" +
        "}\n" +
        "slot() {\n" +
        "  local i=$(($1 * per)) end=$(($1 * per + per))\n" +
        "  (( end > count )) && end=$count\n" +
        "  trap 'stop=1' HUP INT TERM\n" +
        "  while (( i < end && ! stop )); do\n" +
        "    if [[ -e $run/cancel/all || -e $run/cancel/$i ]]; then\n" +
        "      printf '%s cancelled\\n' \"$i\" >>\"$run/results\"\n" +
        "    elif flepimop2_task_argv \"$run/table\" \"$i\"; then\n" +
        "      printf '%s\\n' \"$i\" >>\"$run/started\"\n" +
        "      ( task \"$i\" \"$flepimop2_index\" )\n" +
        "    else\n" +
        "      printf '%s 127\\n' \"$i\" >>\"$run/results\"\n" +
        "    fi\n" +
        "    i=$((i + 1))\n" +
        "  done\n" +
        "}\n" +
        "exec {table}<\"$run/table\" {index}<\"$run/table.index\" || exit 125\n" +
        "if (( per > 1 )); then\n" +
        "  s=0 slots=$(((count + per - 1) / per))\n" +
        "  while (( s < slots )); do\n" +
        "    while (( ! stop )); do\n" +
        "      n=0; for p in $(jobs -pr); do n=$((n + 1)); done\n" +
        "      (( n < max )) && break\n" +
        "      wait -n\n" +
        "    done\n" +
        "    (( stop )) && break\n" +
        "    slot \"$s\" &\n" +
        "    s=$((s + 1))\n" +
        "  done\n" +
        "else\n" +
        "  i=0\n" +
        "  while (( i < count )); do\n" +
        "    while (( ! stop )); do\n" +
        "      n=0; for p in $(jobs -pr); do n=$((n + 1)); done\n" +
        "      (( n < max )) && break\n" +
        "      wait -n\n" +
        "    done\n" +
        "    (( stop )) && break\n" +
        "    flepimop2_next_task_argv \"$table\" \"$index\"; read_ok=$?\n" +
        "    if [[ -e $run/cancel/all || -e $run/cancel/$i ]]; then\n" +
        "      printf '%s cancelled\\n' \"$i\" >>\"$run/results\"\n" +
        "    elif (( read_ok == 0 )); then\n" +
        "      printf '%s\\n' \"$i\" >>\"$run/started\"\n" +
        "      task \"$i\" \"$flepimop2_index\" &\n" +
        "    else\n" +
        "      printf '%s 127\\n' \"$i\" >>\"$run/results\"\n" +
        "    fi\n" +
        "    i=$((i + 1))\n" +
        "  done\n" +
        "fi\n" +
        "while [[ -n $(jobs -pr) ]]; do wait; done\n" +
        "ok=0\n" +
        "while read -r index code _; do [[ $code == 0 ]] && ok=$((ok + 1)); done <\"$run/results\"\n" +
        "(( ok == count )) && finish successful || finish failed\n" +
        "(( ok == count ))\n";

    /// <summary>
    /// The argv that starts the supervisor, in a new session when <paramref name="setsid"/> is given; tasks see
    /// <paramref name="reportedCount"/> as <c>FLEPIMOP2_TASK_COUNT</c>; <paramref name="tasksPerSlot"/> is named only above 1.
    /// </summary>
    public static IReadOnlyList<string> Argv(string? setsid, string bash, string mv, string logRoot, int count, int maxParallel, int reportedCount, string recorder, int tasksPerSlot = 1) =>
        [.. setsid is null ? [] : new[] { setsid }, bash, "-c", Script, "flepimop2-sweep", logRoot, mv,
         count.ToString(System.Globalization.CultureInfo.InvariantCulture), maxParallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
         reportedCount.ToString(System.Globalization.CultureInfo.InvariantCulture), recorder,
         .. tasksPerSlot > 1 ? new[] { tasksPerSlot.ToString(System.Globalization.CultureInfo.InvariantCulture) } : []];
}
