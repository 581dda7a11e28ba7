using System.Globalization;
using System.Text;
using Flepimop2.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// The batch script every scheduler runs, written once: the scheduler's directives, a comment, for a sweep the lines that
/// find the task's position and read its argv from the task table, the scheduler's own checks, then the pre-commands, the
/// command line (every token shell-quoted) and the post-commands (in a subshell), ending with the command's own exit code.
/// Pure: it touches no file.
/// </summary>
internal static class BatchScript
{
    /// <summary>The variable that holds the command's exit code while the post-commands run.</summary>
    public const string ExitVariable = "flepimop2_exit_code";

    /// <summary>The array a sweep's script reads its task's argv into (see <see cref="Sweeps.TaskTable.BashReader"/>).</summary>
    public const string ArgvVariable = "flepimop2_argv";

    /// <summary>The command line that runs a sweep task's argv, read into <see cref="ArgvVariable"/>.</summary>
    public const string SweepCommandLine = "\"${" + ArgvVariable + "[@]}\"";

    /// <summary>Why the script sets no <c>-e</c> or <c>-u</c>, as a comment.</summary>
    public const string Preamble =
        "# No `set -e`/`set -u`: pre-commands run as in a login shell (site setup scripts often touch unset\n" +
        "# variables); the job ends with the command's exit code whatever the post-commands do.\n";

    /// <summary>Renders a whole script from its parts.</summary>
    /// <param name="parts">What the scheduler and the submission put in it.</param>
    /// <returns>The script's text.</returns>
    public static string Render(BatchScriptParts parts)
    {
        var script = new StringBuilder("#!/bin/bash\n");
        foreach (var directive in parts.Directives)
        {
            script.Append(directive).Append('\n');
        }

        // The first line that is not a comment ends sbatch's reading of #SBATCH lines. #PBS and #BSUB lines sbatch reads
        // anywhere (the Slurm runner turns that off), and qsub its #$ lines: pre- and post-commands holding those are refused.
        script.Append(":\n").Append(parts.Comment).Append(Preamble);
        if (parts.Sweep is { TasksPerJob: > 1 } packed)
        {
            return RenderPacked(script, parts, packed);
        }

        if (parts.Sweep is { } sweep)
        {
            CheckArguments([[sweep.Table]]);
            script.Append(sweep.PositionCode)
                .Append(CultureInfo.InvariantCulture, $"flepimop2_table={ShellQuote.Quote(sweep.Table)}\n")
                .Append(TaskTable.BashReader)
                .Append("if ! flepimop2_task_argv \"$flepimop2_table\" \"$flepimop2_task\"; then\n")
                .Append("  echo \"flepimop2: cannot read task $flepimop2_task from the task table $flepimop2_table (is it on a filesystem this node shares?)\" >&2\n")
                .Append("  exit 2\n")
                .Append("fi\n")
                .Append(CultureInfo.InvariantCulture, $"export {TaskTable.IndexVariable}=\"$flepimop2_index\" {TaskTable.CountVariable}={sweep.TaskCount}\n");
        }
        else
        {
            // A job submitted from inside a sweep's task must not believe it is that task.
            script.Append(CultureInfo.InvariantCulture, $"unset {TaskTable.IndexVariable} {TaskTable.CountVariable}\n");
        }

        script.Append(parts.Checks);
        ExitRecording.Append(script, parts.Recorder, parts.RunDirectory, parts.Sweep is not null);
        return AppendRun(script, parts.Debug, parts.PreCommands, $"{ExitRecording.Function} {parts.CommandLine}\n{ExitVariable}=$?\n", parts.PostCommands).ToString();
    }

    /// <summary>
    /// A packed sweep's script: the array task finds its slot, then runs the slot's tasks one after another, each with its
    /// own index, exit record, log and cancel mark; a task cancelled on its own is skipped, and one that fails does not stop
    /// the rest. The pre- and post-commands run once for the array task, which ends with the last failing task's code.
    /// </summary>
    private static string RenderPacked(StringBuilder script, BatchScriptParts parts, BatchScriptSweep sweep)
    {
        CheckArguments([[sweep.Table], [parts.RunDirectory]]);
        var logs = ShellQuote.Quote(ExitRecording.TaskLogs(parts.RunDirectory) + "/");
        var marks = ShellQuote.Quote(ExitRecording.CancelMarks(parts.RunDirectory) + "/");
        script.Append(sweep.PositionCode)
            .Append(CultureInfo.InvariantCulture, $"flepimop2_table={ShellQuote.Quote(sweep.Table)}\n")
            .Append(TaskTable.BashReader)
            .Append(CultureInfo.InvariantCulture, $"flepimop2_first=$((flepimop2_task * {sweep.TasksPerJob}))\n")
            .Append(CultureInfo.InvariantCulture, $"flepimop2_end=$((flepimop2_first + {sweep.TasksPerJob}))\n")
            .Append(CultureInfo.InvariantCulture, $"(( flepimop2_end > {sweep.Tasks} )) && flepimop2_end={sweep.Tasks}\n")
            .Append(parts.Checks);
        ExitRecording.Append(script, parts.Recorder, parts.RunDirectory, sweep: true, packed: true);
        var run = new StringBuilder()
            .Append(ExitVariable).Append("=0\n")
            .Append("for (( flepimop2_task = flepimop2_first; flepimop2_task < flepimop2_end; flepimop2_task++ )); do\n")
            .Append("  ").Append(ExitRecording.TaskRecordAssignment(parts.RunDirectory)).Append('\n')
            .Append("  ").Append(ExitRecording.CancelVariable).Append('=').Append(marks).Append("\"$flepimop2_task\"\n")
            .Append("  if [[ -e $").Append(ExitRecording.CancelVariable).Append(" ]]; then\n")
            .Append("    echo \"flepimop2: task at position $flepimop2_task was cancelled before it started\" >&2\n")
            .Append("    ").Append(ExitVariable).Append("=143\n")
            .Append("    continue\n")
            .Append("  fi\n")
            .Append("  if ! flepimop2_task_argv \"$flepimop2_table\" \"$flepimop2_task\"; then\n")
            .Append("    echo \"flepimop2: cannot read task $flepimop2_task from the task table $flepimop2_table (is it on a filesystem this node shares?)\" >&2\n")
            .Append("    ").Append(ExitVariable).Append("=2\n")
            .Append("    continue\n")
            .Append("  fi\n")
            .Append(CultureInfo.InvariantCulture, $"  export {TaskTable.IndexVariable}=\"$flepimop2_index\" {TaskTable.CountVariable}={sweep.TaskCount}\n")
            .Append("  ").Append(ExitRecording.Function).Append(' ').Append(parts.CommandLine)
            .Append(" </dev/null >").Append(logs).Append("\"$flepimop2_task.log\" 2>&1\n")
            .Append("  flepimop2_rc=$?\n")
            .Append("  (( flepimop2_rc == 0 )) || ").Append(ExitVariable).Append("=$flepimop2_rc\n")
            .Append("done\n");
        return AppendRun(script, parts.Debug, parts.PreCommands, run.ToString(), parts.PostCommands).ToString();
    }

    /// <summary>The command line: every token shell-quoted, and the first quoted even when bare if it could be read as an assignment.</summary>
    /// <param name="argv">The command and its arguments, at least one token.</param>
    /// <returns>One line of shell text that runs exactly <paramref name="argv"/>.</returns>
    public static string CommandLine(IReadOnlyList<string> argv)
    {
        var first = ShellQuote.Quote(argv[0]);
        if (first == argv[0] && first.Contains('=', StringComparison.Ordinal))
        {
            first = $"'{first}'";
        }

        return string.Join(' ', [first, .. argv.Skip(1).Select(ShellQuote.Quote)]);
    }

    /// <summary>
    /// Refuses tokens a script cannot carry exactly: a newline or another control character (a tab passes) would be read
    /// by the scheduler's own scan of the script, or end the line.
    /// </summary>
    /// <param name="argvs">The argument lists rendered into the script.</param>
    /// <exception cref="Flepimop2ValidationException">A token holds such a character; every one is named.</exception>
    public static void CheckArguments(IEnumerable<IReadOnlyList<string>> argvs)
    {
        var issues = argvs
            .SelectMany(argv => argv.Select((token, index) => (token, index)))
            .Where(t => t.token.Any(c => char.IsControl(c) && c != '\t'))
            .DistinctBy(t => t.token)
            .Select(t => new ValidationIssue(
                $"argument {t.index} contains a newline or other control character, which a batch script cannot pass on exactly",
                "unsafe_argument",
                new Dictionary<string, string> { ["argument"] = t.token.ReplaceLineEndings("\\n") }))
            .ToList();
        if (issues.Count > 0)
        {
            throw new Flepimop2ValidationException(issues);
        }
    }

    /// <summary>
    /// Appends the end of a script: <c>set -x</c> when <paramref name="debug"/>, the pre-commands, the command line, the
    /// post-commands in a subshell (so that an <c>exit</c> or <c>set -e</c> in one cannot replace the command's exit code), and
    /// the exit with the command's code.
    /// </summary>
    /// <param name="script">The script so far.</param>
    /// <param name="debug">Trace the rest of the script.</param>
    /// <param name="preCommands">Shell lines run before the command.</param>
    /// <param name="run">The lines that run the command (or a packed sweep's tasks) and set <see cref="ExitVariable"/>.</param>
    /// <param name="postCommands">Shell lines run after it.</param>
    /// <returns><paramref name="script"/>.</returns>
    private static StringBuilder AppendRun(StringBuilder script, bool debug, IReadOnlyList<string> preCommands, string run, IReadOnlyList<string> postCommands)
    {
        if (debug)
        {
            script.Append("set -x\n");
        }

        foreach (var line in preCommands)
        {
            script.Append(line).Append('\n');
        }

        script.Append(run);
        if (postCommands.Count > 0)
        {
            script.Append("(\n");
            foreach (var line in postCommands)
            {
                script.Append(line).Append('\n');
            }

            script.Append(")\n");
        }

        return script.Append("exit \"$").Append(ExitVariable).Append("\"\n");
    }

    /// <summary>
    /// The argv prefix that starts flepimop2 on the node when a command of the request runs it (a program of <c>job run</c>
    /// runs as it is): this program, or the configured executable (a path made absolute; a bare name is left to the node's
    /// PATH, which pre-commands may set up).
    /// </summary>
    public static IReadOnlyList<string> ProgramPrefix(JobRequest request, string? executable) => !request.RunsFlepimop2 ? [] : executable switch
    {
        null => Executables.CurrentProgram(),
        var exe when exe.Contains('/', StringComparison.Ordinal) => [Path.GetFullPath(exe)],
        var exe => [exe],
    };

    /// <summary>An issue for each scheduler tool <paramref name="find"/> does not find on PATH.</summary>
    public static List<ValidationIssue> MissingTools(Func<string, string?> find, string why, params string[] tools) =>
        tools
            .Where(tool => find(tool) is null)
            .Select(tool => new ValidationIssue($"'{tool}' was not found on PATH; {why}", "missing_executable", new Dictionary<string, string> { ["executable"] = tool }))
            .ToList();
}
