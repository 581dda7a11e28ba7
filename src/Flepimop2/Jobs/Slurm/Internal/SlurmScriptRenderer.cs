using System.Globalization;
using System.Text;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Renders batch scripts: sorted <c>#SBATCH</c> directives, then the pre-commands, the command line (every token
/// shell-quoted), the post-commands, and an exit with the command's own exit code. A sweep's script picks its task's argv
/// by <c>SLURM_ARRAY_TASK_ID</c> from the task table next to it. Pure: it touches no file.
/// </summary>
internal static class SlurmScriptRenderer
{
    private const string TaskVariable = "flepimop2_task";
    private const string TableVariable = "flepimop2_table";

    /// <param name="options">Normalized options (see <see cref="SlurmOptionsValidator"/>).</param>
    /// <param name="program">The argv prefix that starts flepimop2 (or the configured executable).</param>
    /// <param name="command">The command the job runs.</param>
    /// <param name="chdir">The job's working directory, absolute.</param>
    /// <exception cref="Flepimop2ValidationException">A token of the command line cannot be passed through a script.</exception>
    /// <exception cref="Flepimop2ConfigurationException">The working directory cannot be written in a directive.</exception>
    public static SlurmScript Render(SlurmJobOptions options, IReadOnlyList<string> program, CliCommand command, string chdir)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(command);
        var argv = command.CommandLine(program);
        BatchScript.CheckArguments([argv]);
        var body = new StringBuilder()
            .Append("# Written by flepimop2 to run one command as a Slurm job.\n")
            .Append(BatchScript.Preamble);
        return Frame(options, [command], chdir, "slurm-%j.out", body, BatchScript.CommandLine(argv));
    }

    /// <summary>
    /// Renders the script every array of a sweep runs: array index <c>i</c> of an array submitted with argument <c>F</c> runs
    /// sweep task <c>F + i</c>, whose argv it reads from the task table (<c>TABLE/INDEX</c>, see <see cref="TaskTable"/>) with
    /// <c>mapfile -d ''</c>: no eval, nothing parsed. <c>FLEPIMOP2_TASK_INDEX</c> and <c>FLEPIMOP2_TASK_COUNT</c> are
    /// exported before the pre-commands.
    /// </summary>
    /// <param name="options">Normalized options.</param>
    /// <param name="tasks">Every task of the sweep (for the job name and count).</param>
    /// <param name="table">The task table's directory, absolute, on a filesystem the compute nodes share.</param>
    /// <param name="chdir">The job's working directory, absolute.</param>
    /// <param name="taskCount">The <c>FLEPIMOP2_TASK_COUNT</c> tasks see (a retry of some tasks keeps the first sweep's); the number of tasks when null.</param>
    public static SlurmScript RenderSweep(SlurmJobOptions options, IReadOnlyList<CliCommand> tasks, string table, string chdir, int? taskCount = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(table);
        BatchScript.CheckArguments([[table]]);
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"# Written by flepimop2 to run a sweep of {tasks.Count} tasks as Slurm job arrays. An array submitted\n")
            .Append("# with argument F runs, as its task i, sweep task F + i, whose argv it reads from the task table: every\n")
            .Append("# argument ended by a NUL byte, found through the table's index, read as it is.\n")
            .Append(BatchScript.Preamble)
            .Append("if [[ -z ${SLURM_ARRAY_TASK_ID-} ]]; then\n")
            .Append("  echo 'flepimop2: this script runs as a Slurm job array task (SLURM_ARRAY_TASK_ID is not set)' >&2\n")
            .Append("  exit 2\n")
            .Append("fi\n")
            .Append("case ${1-} in\n")
            .Append("  '' | *[!0-9]*) echo \"flepimop2: the first task of this array must be the script's argument, got '${1-}'\" >&2; exit 2 ;;\n")
            .Append("esac\n")
            .Append(CultureInfo.InvariantCulture, $"{TaskVariable}=$((SLURM_ARRAY_TASK_ID + 10#$1))\n")
            .Append(CultureInfo.InvariantCulture, $"{TableVariable}={ShellQuote.Quote(table)}\n")
            .Append(TaskTable.BashReader)
            .Append(CultureInfo.InvariantCulture, $"if ! flepimop2_task_argv \"${TableVariable}\" \"${TaskVariable}\"; then\n")
            .Append(CultureInfo.InvariantCulture, $"  echo \"flepimop2: cannot read task ${TaskVariable} from the task table ${TableVariable} (is it on a filesystem this node shares?)\" >&2\n")
            .Append("  exit 2\n")
            .Append("fi\n")
            .Append(CultureInfo.InvariantCulture, $"export {TaskTable.IndexVariable}=\"$flepimop2_index\" {TaskTable.CountVariable}={taskCount ?? tasks.Count}\n");
        return Frame(options, tasks, chdir, "slurm-%A_%a.out", body, BatchScript.SweepCommandLine);
    }

    /// <summary>The job name and comment: the command, config and target; <c>sweep</c> for a sweep over several targets.</summary>
    public static (string JobName, string Comment) Names(IReadOnlyList<CliCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var command = commands[0];
        var targets = commands.Select(c => c.Target).Distinct(StringComparer.Ordinal).Count();
        var target = targets > 1 ? "sweep" : command.Target ?? "default";
        var configStem = command.Config is { } config ? Path.GetFileNameWithoutExtension(config) : "none";
        var sweep = commands.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" tasks={commands.Count}") : string.Empty;
        return (
            SbatchDirectives.Sanitize($"flepimop2:{command.CommandName}:{configStem}:{target}"),
            SbatchDirectives.Sanitize($"flepimop2 command={command.CommandName} config={command.Config ?? "none"} target={target}{sweep}"));
    }

    private static SlurmScript Frame(SlurmJobOptions options, IReadOnlyList<CliCommand> commands, string chdir, string output, StringBuilder body, string commandLine)
    {
        if (SbatchDirectives.ValueProblem(chdir) is { } problem)
        {
            throw new Flepimop2ConfigurationException($"the working directory {problem}, got '{chdir.ReplaceLineEndings("\\n")}'", field: "chdir");
        }

        var (jobName, comment) = Names(commands);
        var directives = new SortedDictionary<string, string?>(StringComparer.Ordinal)
        {
            ["chdir"] = chdir,
            ["comment"] = comment,
            ["job-name"] = jobName,
            ["output"] = Path.Join(SlurmOutputPattern.Escape(chdir), output),
        };
        Add(directives, "cpus-per-task", options.CpusPerTask?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "mem", options.Memory);
        Add(directives, "nodes", options.Nodes?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "ntasks", options.Ntasks?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "time", options.Time);
        if (options.Requeue is { } requeue)
        {
            directives[requeue ? "requeue" : "no-requeue"] = null;
        }

        foreach (var (key, value) in options.SbatchOptions)
        {
            directives[key] = value;
        }

        var script = new StringBuilder("#!/bin/bash\n");
        foreach (var (key, value) in directives)
        {
            script.Append(SbatchDirectives.Line(key, value)).Append('\n');
        }

        script.Append('\n').Append(body);
        BatchScript.AppendRun(script, options.Debug, options.PreCommands, commandLine, options.PostCommands);
        return new SlurmScript(script.ToString(), jobName, directives["output"]!, directives.GetValueOrDefault("error"));
    }

    private static void Add(SortedDictionary<string, string?> directives, string key, string? value)
    {
        if (value is not null)
        {
            directives[key] = value;
        }
    }
}
