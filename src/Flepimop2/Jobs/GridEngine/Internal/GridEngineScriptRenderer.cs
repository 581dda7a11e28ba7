using System.Globalization;
using System.Text;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// Renders Grid Engine batch scripts. Every qsub option goes on qsub's command line (see <see cref="GridEngineCommandLines"/>),
/// where each reaches qsub as one exact argument, so the script holds no <c>#$</c> line: a check of the predecessors that must
/// have succeeded, the pre-commands, the command line (every token shell-quoted, or a sweep task's argv read from the task
/// table), the post-commands, and an exit with the command's own code. Pure: it touches no file.
/// </summary>
internal static class GridEngineScriptRenderer
{
    /// <summary>
    /// The exit code of a job whose predecessor that had to succeed did not: Grid Engine's <c>-hold_jid</c> releases a job
    /// however its predecessors ended, so the job checks them itself before it runs anything.
    /// </summary>
    public const int DependencyFailedExitCode = 86;

    /// <summary>How long the check waits for a predecessor's accounting records, which the qmaster may write some seconds after the job left the queue.</summary>
    public const int AccountingWaitSeconds = 60;

    /// <summary>Renders the script of one job.</summary>
    /// <param name="options">Normalized options.</param>
    /// <param name="argv">The command line the job runs.</param>
    /// <param name="command">The command (for the job name).</param>
    /// <param name="predecessors">The jobs it runs after.</param>
    /// <exception cref="Flepimop2ValidationException">A token cannot be passed through a script.</exception>
    public static GridEngineScript Render(GridEngineJobOptions options, IReadOnlyList<string> argv, CliCommand command, IReadOnlyList<GridEnginePredecessor> predecessors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(predecessors);
        BatchScript.CheckArguments([argv]);
        var script = new StringBuilder("#!/bin/bash\n")
            .Append("# Written by flepimop2 to run one command as a Grid Engine job; its qsub options are on qsub's command line.\n")
            .Append(BatchScript.Preamble);
        AppendDependencyCheck(script, predecessors);
        BatchScript.AppendRun(script, options.Debug, options.PreCommands, BatchScript.CommandLine(argv), options.PostCommands);
        return new GridEngineScript(script.ToString(), JobName([command]));
    }

    /// <summary>
    /// Renders the script of a sweep's array job: Grid Engine numbers its tasks from 1 (<c>SGE_TASK_ID</c>), so task
    /// <c>SGE_TASK_ID</c> runs the sweep's position <c>SGE_TASK_ID - 1</c>, whose argv and <c>FLEPIMOP2_TASK_INDEX</c> it
    /// reads from the task table with <c>mapfile -d ''</c>: nothing parsed, nothing evaluated.
    /// </summary>
    /// <param name="options">Normalized options.</param>
    /// <param name="tasks">Every task (for the job name).</param>
    /// <param name="table">The task table, absolute, where the node can read it.</param>
    /// <param name="taskCount">The <c>FLEPIMOP2_TASK_COUNT</c> the tasks see.</param>
    /// <param name="predecessors">The jobs it runs after.</param>
    public static GridEngineScript RenderSweep(GridEngineJobOptions options, IReadOnlyList<CliCommand> tasks, string table, int taskCount, IReadOnlyList<GridEnginePredecessor> predecessors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(predecessors);
        BatchScript.CheckArguments([[table]]);
        var script = new StringBuilder("#!/bin/bash\n")
            .Append(CultureInfo.InvariantCulture, $"# Written by flepimop2 to run a sweep of {tasks.Count} tasks as one Grid Engine array job. Its task\n")
            .Append("# SGE_TASK_ID (from 1) runs the sweep's position SGE_TASK_ID - 1, whose argv it reads from the task table:\n")
            .Append("# every argument ended by a NUL byte, found through the table's index, read as it is.\n")
            .Append(BatchScript.Preamble)
            .Append("case ${SGE_TASK_ID-} in\n")
            .Append("  '' | *[!0-9]*) echo \"flepimop2: this script runs as a task of a Grid Engine array job (SGE_TASK_ID is '${SGE_TASK_ID-}')\" >&2; exit 2 ;;\n")
            .Append("esac\n")
            .Append("flepimop2_task=$((10#$SGE_TASK_ID - 1))\n")
            .Append(CultureInfo.InvariantCulture, $"flepimop2_table={ShellQuote.Quote(table)}\n")
            .Append(TaskTable.BashReader)
            .Append("if ! flepimop2_task_argv \"$flepimop2_table\" \"$flepimop2_task\"; then\n")
            .Append("  echo \"flepimop2: cannot read task $flepimop2_task from the task table $flepimop2_table (is it on a filesystem this node shares?)\" >&2\n")
            .Append("  exit 2\n")
            .Append("fi\n")
            .Append(CultureInfo.InvariantCulture, $"export {TaskTable.IndexVariable}=\"$flepimop2_index\" {TaskTable.CountVariable}={taskCount}\n");
        AppendDependencyCheck(script, predecessors);
        BatchScript.AppendRun(script, options.Debug, options.PreCommands, BatchScript.SweepCommandLine, options.PostCommands);
        return new GridEngineScript(script.ToString(), JobName(tasks));
    }

    /// <summary>
    /// The job name: <c>flepimop2.COMMAND.CONFIG.TARGET</c>, with every character Grid Engine refuses in a name (and any
    /// other than letters, digits, <c>.</c>, <c>_</c> and <c>-</c>) made <c>_</c>; <c>sweep</c> for a sweep over several targets.
    /// </summary>
    public static string JobName(IReadOnlyList<CliCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var command = commands[0];
        var target = commands.Select(c => c.Target).Distinct(StringComparer.Ordinal).Count() > 1 ? "sweep" : command.Target ?? "default";
        var configStem = command.Config is { } config ? Path.GetFileNameWithoutExtension(config) : "none";
        var name = new StringBuilder();
        foreach (var c in $"flepimop2.{command.CommandName}.{configStem}.{target}")
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        return name.ToString();
    }

    /// <summary>
    /// The check of the predecessors that must have succeeded: each one's last accounting record of every task must say
    /// <c>failed 0</c> and <c>exit_status 0</c>. A record that shows a failure ends the job at once; records that are
    /// missing are waited for (the qmaster writes them up to its flush time after a job ends), and a predecessor that never
    /// gets them all (a task deleted before it started) did not succeed either.
    /// </summary>
    private static void AppendDependencyCheck(StringBuilder script, IReadOnlyList<GridEnginePredecessor> predecessors)
    {
        var mustSucceed = predecessors.Where(p => p.Condition == DependencyCondition.Succeeded).ToList();
        if (mustSucceed.Count == 0)
        {
            return;
        }

        script.Append("# -hold_jid released this job however its predecessors ended: those that had to succeed are checked here.\n")
            .Append("flepimop2_accounting=\"${SGE_ROOT:-/var/lib/gridengine}/${SGE_CELL:-default}/common/accounting\"\n")
            .Append("flepimop2_succeeded() {\n")
            .Append("  awk -F: -v id=\"$1\" -v n=\"$2\" '\n")
            .Append("    !/^#/ && $6 == id { ok[$36] = ($12 == 0 && $13 == 0) }\n")
            .Append("    END { c = 0; for (t in ok) { if (!ok[t]) exit 1; c++ } exit (c >= n ? 0 : 2) }' \"$flepimop2_accounting\"\n")
            .Append("}\n")
            .Append("flepimop2_after=(");
        script.AppendJoin(' ', mustSucceed.Select(p => string.Create(CultureInfo.InvariantCulture, $"{ShellQuote.Quote(p.JobId)} {p.Tasks} {ShellQuote.Quote(p.Key)}")));
        script.Append(")\n")
            .Append("for ((flepimop2_i = 0; flepimop2_i < ${#flepimop2_after[@]}; flepimop2_i += 3)); do\n")
            .Append("  flepimop2_waited=0\n")
            .Append("  while true; do\n")
            .Append("    flepimop2_succeeded \"${flepimop2_after[flepimop2_i]}\" \"${flepimop2_after[flepimop2_i + 1]}\"\n")
            .Append("    flepimop2_s=$?\n")
            .Append("    (( flepimop2_s == 0 )) && break\n")
            .Append(CultureInfo.InvariantCulture, $"    if (( flepimop2_s != 2 || flepimop2_waited >= {AccountingWaitSeconds} )); then\n")
            .Append("      echo \"flepimop2: dependency ${flepimop2_after[flepimop2_i + 2]} (Grid Engine job ${flepimop2_after[flepimop2_i]}) did not succeed; this job ends without running\" >&2\n")
            .Append(CultureInfo.InvariantCulture, $"      exit {DependencyFailedExitCode}\n")
            .Append("    fi\n")
            .Append("    sleep 2\n")
            .Append("    flepimop2_waited=$((flepimop2_waited + 2))\n")
            .Append("  done\n")
            .Append("done\n");
    }
}
