using System.CommandLine;
using Flepimop2.Configuration;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// How a submitting command (<c>job process</c>, <c>job simulate</c>, <c>job run</c>) makes its tasks: the one part in
/// which they differ. The runner, the options every submission shares, the sweep, validation, the store, printing and
/// recording are <see cref="JobSubmitCommand"/>'s.
/// </summary>
internal abstract class TaskSource
{
    /// <summary>The command's own arguments and options, shown in its help before the shared ones.</summary>
    public abstract IReadOnlyList<Symbol> Symbols { get; }

    /// <summary>What makes a sweep besides <c>--repeat</c>, for the error of a <c>--max-parallel</c> without a sweep.</summary>
    public abstract string SweepHint { get; }

    /// <summary>Checks what the command line names, before any file is read.</summary>
    /// <param name="parsed">The command line.</param>
    /// <returns>How many different tasks it names (one per target), each of which a sweep runs <c>--repeat</c> times.</returns>
    /// <exception cref="CliUsageException">The command line asks for something that cannot be.</exception>
    public abstract int CheckCommandLine(ParseResult parsed);

    /// <summary>The configuration file the command line names, or null for the default one.</summary>
    /// <param name="parsed">The command line.</param>
    /// <returns>The path as given, or null.</returns>
    public abstract string? ConfigPath(ParseResult parsed);

    /// <summary>Builds the command of each different task from the configuration.</summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="file">The configuration.</param>
    /// <returns>The commands, and the check each needs against the runner.</returns>
    /// <exception cref="Flepimop2ConfigurationException">Every problem of every task, at once.</exception>
    public abstract TaskPlan Plan(ParseResult parsed, ConfigurationFile file);
}
