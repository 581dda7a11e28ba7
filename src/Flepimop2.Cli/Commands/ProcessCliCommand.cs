using System.CommandLine;
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
            var (entry, step) = file.BuildStep(Configuration.ConfigurationFile.ProcessSection, parsed.GetValue(target));
            context.Logger.LogInformation("process target {Target} from {File}", entry.Name, file.DisplayPath);
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
