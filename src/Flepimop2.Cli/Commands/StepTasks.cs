using System.CommandLine;
using Flepimop2.Commands;
using Flepimop2.Configuration;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// The tasks of <c>job process</c> and <c>job simulate</c>: <c>[CONFIG] [-t TARGET]...</c>, one task per target of a step
/// section (the first target by default), each running <c>flepimop2 {section} CONFIG --target=T</c>. Every target is
/// checked against the section, and every step against the runner, before anything is submitted.
/// </summary>
internal sealed class StepTasks : TaskSource
{
    private readonly CliContext _context;
    private readonly string _section;
    private readonly Func<string, string?, int, StepCommand> _command;
    private readonly Argument<string?> _config = CommonOptions.ConfigArgument();
    private readonly Option<string[]> _targets;

    /// <param name="context">The verbosity is passed on to each task.</param>
    /// <param name="section">The step section, <c>process</c> or <c>simulate</c>.</param>
    /// <param name="command">The task's command from the absolute config path, the target (null for the first) and the verbosity.</param>
    public StepTasks(CliContext context, string section, Func<string, string?, int, StepCommand> command)
    {
        _context = context;
        _section = section;
        _command = command;
        _targets = new Option<string[]>("--target", "-t")
        {
            Description = $"The '{section}' target to run; the first one by default. Give it more than once for a sweep of one task per target.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
    }

    public override IReadOnlyList<Symbol> Symbols => [_config, _targets];

    public override string SweepHint => "give several --target or --repeat";

    public override int CheckCommandLine(ParseResult parsed)
    {
        var targets = parsed.GetValue(_targets) ?? [];
        if (targets.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new CliUsageException($"--target '{twice.Key}' is given {twice.Count()} times; to run a target several times use --repeat");
        }

        return Math.Max(1, targets.Length);
    }

    public override string? ConfigPath(ParseResult parsed) => parsed.GetValue(_config);

    public override TaskPlan Plan(ParseResult parsed, ConfigurationFile file)
    {
        string?[] targets = parsed.GetValue(_targets) is { Length: > 0 } given ? [.. given] : [null];
        var steps = new List<(ModuleEntry Entry, ProcessStep? Step)>();
        var problems = new List<ConfigurationProblem>();
        foreach (var target in targets)
        {
            try
            {
                var entry = file.Select(_section, target);

                // The original's own simulation has no step to build here; whether it can run depends on the runner.
                steps.Add((entry, entry.IsSimulationSpecification ? null : file.BuildStep(entry)));
            }
            catch (Flepimop2ConfigurationException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }

        if (problems.Count > 0)
        {
            throw new Flepimop2ConfigurationException(problems);
        }

        var verbosity = _context.Verbosity;
        return new TaskPlan([.. targets.Select(t => _command(file.FullPath, t, verbosity))], runner => Check(file, steps, runner));
    }

    /// <summary>Checks what every task will need now, so a mistake is an error here rather than a failed job (or 1,000) later.</summary>
    private static void Check(ConfigurationFile file, List<(ModuleEntry Entry, ProcessStep? Step)> steps, JobRunner runner)
    {
        foreach (var (entry, _) in steps.Where(s => s.Step is null))
        {
            if (runner.Executable is null)
            {
                // The runner would start this program, which cannot run the original's simulation: the error says so.
                file.BuildStep(entry);
            }
        }

        if (runner.PredictEnvironment() is not { } environment)
        {
            return;
        }

        foreach (var (entry, step) in steps)
        {
            file.Locate(entry, () =>
            {
                step?.CheckRunnable(environment);
                return true;
            });
        }
    }
}
