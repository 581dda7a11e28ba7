using System.CommandLine;
using System.CommandLine.Parsing;
using Flepimop2.Commands;
using Flepimop2.Configuration;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// The task of <c>job run [--config CONFIG] -- PROGRAM [ARGS...]</c>: any program with its exact arguments, started as it is
/// (the runner's <c>executable</c> does not apply). Everything after <c>--</c> is the program's, including what looks like an
/// option (<c>-v</c>, <c>--help</c>, <c>@file</c>, another <c>--</c>); the configuration is read only for its <c>jobs</c>
/// section. The runner checks before submitting that the program can be found where the job runs.
/// </summary>
internal sealed class ProgramTasks : TaskSource
{
    private const string Usage = "flepimop2 job run [OPTIONS] -- PROGRAM [ARGS...]";

    private readonly Option<string?> _config = new("--config")
    {
        Description = "The configuration file, read for its 'jobs' section; by default the first of config.yaml, config.yml, configuration.yaml, ... (also under configs/).",
    };

    private readonly Argument<string[]> _program = new("PROGRAM")
    {
        Description = "After --: the program to run (a bare name is looked up on the job's PATH) and its arguments, passed exactly as given.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    // Declared (and hidden) only to say that it does not belong here, rather than take `-t x` for a program named x.
    private readonly Option<string[]> _target = new("--target", "-t")
    {
        Hidden = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public override IReadOnlyList<Symbol> Symbols => [_config, _program, _target];

    public override string SweepHint => "give --repeat";

    public override int CheckCommandLine(ParseResult parsed)
    {
        if (parsed.GetResult(_target) is not null)
        {
            throw new CliUsageException("job run takes no --target: it runs the program given after --, not a configured target (see job process and job simulate)");
        }

        var argv = Argv(parsed);
        var bound = parsed.GetValue(_program) ?? [];
        if (bound.Length > argv.Count)
        {
            // Tokens bound to PROGRAM before the `--`: the parser would take them for the program, but only `--` says where it
            // starts. One that looks like an option is most likely a mistyped option of job run, so it is named as that.
            var first = bound[0];
            throw new CliUsageException(first.Length > 1 && first[0] == '-'
                ? $"unknown option '{first}' for job run; give the program and its arguments after --: {Usage}"
                : $"'{first}' comes before --; give the program and its arguments after --: {Usage}");
        }

        if (argv.Count == 0)
        {
            throw new CliUsageException($"no program to run; give it and its arguments after --: {Usage}");
        }

        if (argv[0].Length == 0)
        {
            throw new CliUsageException("the program after -- is empty; give its name or path");
        }

        return 1;
    }

    public override string? ConfigPath(ParseResult parsed) => parsed.GetValue(_config);

    public override TaskPlan Plan(ParseResult parsed, ConfigurationFile file) =>
        new([new ArgvCommand(Argv(parsed), runsFlepimop2: false)], _ => { });

    /// <summary>Every token after the first <c>--</c>, exactly as given (a later <c>--</c> is the program's).</summary>
    private static List<string> Argv(ParseResult parsed) =>
        [.. parsed.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash).Skip(1).Select(t => t.Value)];
}
