using System.Globalization;
using System.Text;
using Flepimop2.Commands;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Renders the batch script for one command: sorted <c>#SBATCH</c> directives, then the pre-commands, the command line
/// (every token shell-quoted), the post-commands, and an exit with the command's own exit code. Pure: it touches no file.
/// </summary>
internal static class SlurmScriptRenderer
{
    private const string ExitVariable = "flepimop2_exit_code";

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
        string[] argv = [.. program, command.CommandName, .. command.ToArgv()];
        CheckArguments(argv);
        if (SbatchDirectives.ValueProblem(chdir) is { } problem)
        {
            throw new Flepimop2ConfigurationException($"the working directory {problem}, got '{chdir.ReplaceLineEndings("\\n")}'", field: "chdir");
        }

        var target = command.Target ?? "default";
        var configStem = command.Config is { } config ? Path.GetFileNameWithoutExtension(config) : "none";
        var jobName = SbatchDirectives.Sanitize($"flepimop2:{command.CommandName}:{configStem}:{target}");
        var comment = SbatchDirectives.Sanitize($"flepimop2 command={command.CommandName} config={command.Config ?? "none"} target={target}");

        var directives = new SortedDictionary<string, string?>(StringComparer.Ordinal)
        {
            ["chdir"] = chdir,
            ["comment"] = comment,
            ["job-name"] = jobName,
            ["output"] = Path.Join(SlurmOutputPattern.Escape(chdir), "slurm-%j.out"),
        };
        Add(directives, "cpus-per-task", options.CpusPerTask?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "mem", options.Memory);
        Add(directives, "nodes", options.Nodes?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "ntasks", options.Ntasks?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "time", options.Time);
        foreach (var (key, value) in options.SbatchOptions)
        {
            directives[key] = value;
        }

        var script = new StringBuilder("#!/bin/bash\n");
        foreach (var (key, value) in directives)
        {
            script.Append(SbatchDirectives.Line(key, value)).Append('\n');
        }

        script.Append('\n')
            .Append("# Written by flepimop2 to run one command as a Slurm job.\n")
            .Append("# No `set -e`/`set -u`: pre-commands run as in a login shell (site setup scripts often touch unset\n")
            .Append("# variables); the job ends with the command's exit code whatever the post-commands do.\n");
        if (options.Debug)
        {
            script.Append("set -x\n");
        }

        foreach (var line in options.PreCommands)
        {
            script.Append(line).Append('\n');
        }

        script.Append(CommandLine(argv)).Append('\n')
            .Append(ExitVariable).Append("=$?\n");
        if (options.PostCommands.Count > 0)
        {
            // A subshell, so that an `exit` or `set -e` in a post-command cannot replace the command's exit code.
            script.Append("(\n");
            foreach (var line in options.PostCommands)
            {
                script.Append(line).Append('\n');
            }

            script.Append(")\n");
        }

        script.Append("exit \"$").Append(ExitVariable).Append("\"\n");
        return new SlurmScript(script.ToString(), jobName, directives["output"]!, directives.GetValueOrDefault("error"));
    }

    /// <summary>The command line: every token shell-quoted, and the first quoted even when bare if it could be read as an assignment.</summary>
    public static string CommandLine(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var first = ShellQuote.Quote(argv[0]);
        if (first == argv[0] && first.Contains('=', StringComparison.Ordinal))
        {
            first = $"'{first}'";
        }

        return string.Join(' ', [first, .. argv.Skip(1).Select(ShellQuote.Quote)]);
    }

    private static void CheckArguments(string[] argv)
    {
        var issues = argv
            .Select((token, index) => (token, index))
            .Where(t => t.token.Any(c => char.IsControl(c) && c != '\t'))
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

    private static void Add(SortedDictionary<string, string?> directives, string key, string? value)
    {
        if (value is not null)
        {
            directives[key] = value;
        }
    }
}
