using System.CommandLine;
using Flepimop2.Configuration;

namespace Flepimop2.Cli.Commands;

/// <summary>Arguments and options several commands share, and where a missing config path leads.</summary>
internal static class CommonOptions
{
    public static Argument<string?> ConfigArgument() => new("CONFIG")
    {
        Description = "The configuration file; by default the first of config.yaml, config.yml, configuration.yaml, ... (also under configs/).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<string?> TargetOption() => new("--target", "-t")
    {
        Description = "The 'process' target to run; the first one by default.",
    };

    public static Option<bool> DryRunOption(string what) => new("--dry-run")
    {
        Description = what,
    };

    public static Option<bool> JsonOption() => new("--json")
    {
        Description = "Print machine-readable JSON with the field names of the store's files.",
    };

    public static Argument<string[]> JobsArgument() => new("JOB")
    {
        Description = "Job keys (shell-abc) or bare job ids.",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>Loads the given configuration, or the default one in the current directory.</summary>
    public static ConfigurationFile LoadConfig(string? given, CliContext context)
    {
        var path = given ?? ConfigurationFile.FindDefault(context.Directory)
            ?? throw new Flepimop2ConfigurationException(
                $"no configuration file given, and none of {string.Join(", ", ConfigurationFile.DefaultNames)} exists in {context.Directory}");
        return ConfigurationFile.Load(path);
    }
}
