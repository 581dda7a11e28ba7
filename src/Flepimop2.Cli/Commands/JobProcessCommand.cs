using System.CommandLine;
using Flepimop2.Commands;
using Flepimop2.Configuration;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job process [CONFIG] [-t TARGET]... [shared options]</c>: submits <c>flepimop2 process CONFIG --target=T</c>
/// for each target of the <c>process</c> section (see <see cref="JobSubmitCommand"/> for the rest).
/// </summary>
internal static class JobProcessCommand
{
    public static Command Create(CliContext context) => JobSubmitCommand.Create(
        context,
        "process",
        "Submit a processing step as a job, or a sweep of them.",
        new StepTasks(context, ConfigurationFile.ProcessSection, (config, target, verbosity) => new ProcessCommand(config) { ProcessTarget = target, Verbosity = verbosity }));
}
