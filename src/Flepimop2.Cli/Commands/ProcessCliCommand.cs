using System.CommandLine;
using Flepimop2.Commands;
using Flepimop2.Configuration;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli.Commands;

/// <summary><c>flepimop2 process [CONFIG] [-t TARGET] [--dry-run]</c>: runs one configured processing step here and now.</summary>
internal static class ProcessCliCommand
{
    public static Command Create(CliContext context)
    {
        var config = CommonOptions.ConfigArgument();
        var target = CommonOptions.TargetOption();
        var dryRun = CommonOptions.DryRunOption("Print the command the step would run, and run nothing.");
        var command = new Command("process", "Run one configured processing step; exits with the step's exit code.") { config, target, dryRun };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var file = await CommonOptions.LoadConfigAsync(parsed.GetValue(config), context, cancellationToken).ConfigureAwait(false);
            var (entry, step) = BuildStep(file, parsed.GetValue(target));
            context.Logger.LogInformation("process target {Target} from {File}", entry.Name, file.DisplayPath);
            var line = Locate(file, entry, step.Describe);
            if (parsed.GetValue(dryRun))
            {
                context.Output.WriteLine($"would run: {line}");
                return ExitCodes.Ok;
            }

            context.Logger.LogInformation("running {Command}", line);
            return await step.RunAsync(cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Selects and builds the process step, with any error located in the file and entry.</summary>
    public static (ModuleEntry Entry, ProcessStep Step) BuildStep(ConfigurationFile file, string? target)
    {
        var entry = file.Select("process", target);
        return (entry, Locate(file, entry, () => ProcessStep.Build(entry.Values)));
    }

    /// <summary>Runs a step or runner action, locating a configuration error it raises in the file and entry.</summary>
    public static T Locate<T>(ConfigurationFile file, ModuleEntry entry, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Flepimop2ConfigurationException ex)
        {
            throw file.Locate(ex, entry);
        }
    }
}
