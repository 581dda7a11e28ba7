using System.Globalization;
using System.Text;
using Flepimop2.Internal;
using Flepimop2.Jobs.Batch;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// Grid Engine's pieces of a batch script (the rest is <see cref="BatchScript"/>'s): how a task of an array job finds its
/// position, and a check of the predecessors that must have succeeded. Every qsub option goes on qsub's command line (see
/// <see cref="GridEngineCommandLines"/>), where each reaches qsub as one exact argument, so the script holds no <c>#$</c>
/// line. Pure: it touches no file.
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

    /// <summary>
    /// Grid Engine numbers an array job's tasks from 1 (<c>SGE_TASK_ID</c>), and a sweep's task <c>SGE_TASK_ID</c> runs the
    /// sweep's position <c>SGE_TASK_ID - 1</c>.
    /// </summary>
    public const string SweepPositionCode =
        "case ${SGE_TASK_ID-} in\n" +
        "  '' | *[!0-9]*) echo \"flepimop2: this script runs as a task of a Grid Engine array job (SGE_TASK_ID is '${SGE_TASK_ID-}')\" >&2; exit 2 ;;\n" +
        "esac\n" +
        "flepimop2_task=$((10#$SGE_TASK_ID - 1))\n";

    /// <summary>
    /// The job name: <c>flepimop2.COMMAND.CONFIG.TARGET</c>, with every character Grid Engine refuses in a name (and any
    /// other than letters, digits, <c>.</c>, <c>_</c> and <c>-</c>) made <c>_</c>; <c>sweep</c> for a sweep over several targets.
    /// </summary>
    public static string JobName(BatchJobNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var name = new StringBuilder();
        foreach (var c in names.Join('.'))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        return name.ToString();
    }

    /// <summary>The check of the predecessors that must have succeeded, as script lines; empty when none must.</summary>
    public static string Checks(IReadOnlyList<BatchPredecessor> predecessors)
    {
        var script = new StringBuilder();
        AppendDependencyCheck(script, predecessors);
        return script.ToString();
    }

    /// <summary>
    /// The check of the predecessors that must have succeeded: each one's last accounting record of every task must say
    /// <c>failed 0</c> and <c>exit_status 0</c>. A record that shows a failure ends the job at once; records that are
    /// missing are waited for (the qmaster writes them up to its flush time after a job ends), and a predecessor that never
    /// gets them all (a task deleted before it started) did not succeed either.
    /// </summary>
    private static void AppendDependencyCheck(StringBuilder script, IReadOnlyList<BatchPredecessor> predecessors)
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
        script.AppendJoin(' ', mustSucceed.SelectMany(p => p.JobIds.Select(id => string.Create(CultureInfo.InvariantCulture, $"{ShellQuote.Quote(id)} {(p.JobIds.Count == 1 ? p.Tasks : 1)} {ShellQuote.Quote(p.Key)}"))));
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
