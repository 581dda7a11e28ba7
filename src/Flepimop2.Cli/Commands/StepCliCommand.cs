using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 process|simulate [CONFIG] [-t TARGET] [--dry-run]</c>: runs one step of the named section here and now,
/// and exits with the step's exit code. Both sections hold the same step modules.
/// </summary>
internal static class StepCliCommand
{
    /// <summary>The command that runs a step of <paramref name="section"/>, named after it.</summary>
    public static Command Create(CliContext context, string section, string description)
    {
        var config = CommonOptions.ConfigArgument();
        var target = CommonOptions.TargetOption(section);
        var dryRun = CommonOptions.DryRunOption("Print the command the step would run, and run nothing.");
        var command = new Command(section, description) { config, target, dryRun };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            CommonOptions.CheckEnvironment();
            var file = await CommonOptions.LoadConfigAsync(parsed.GetValue(config), context, cancellationToken).ConfigureAwait(false);
            var (entry, step) = file.BuildStep(section, parsed.GetValue(target));
            context.Logger.LogInformation("{Section} target {Target} from {File}", section, entry.Name, file.DisplayPath);
            var line = file.Locate(entry, step.Describe);
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
}
