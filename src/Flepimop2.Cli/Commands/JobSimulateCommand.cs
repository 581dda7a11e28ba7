using System.CommandLine;
using Flepimop2.Commands;
using Flepimop2.Configuration;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job simulate [CONFIG] [-t TARGET]... [shared options]</c>: submits <c>EXECUTABLE simulate CONFIG --target=T</c>
/// for each target of the <c>simulate</c> section (see <see cref="JobSubmitCommand"/> for the rest). With a runner whose
/// <c>executable</c> is the original program, the jobs are the original's own simulations.
/// </summary>
internal static class JobSimulateCommand
{
    public static Command Create(CliContext context) => JobSubmitCommand.Create(
        context,
        "simulate",
        "Submit a simulation as a job, or a sweep of them.",
        new StepTasks(context, ConfigurationFile.SimulateSection, (config, target, verbosity) => new SimulateCommand(config) { SimulateTarget = target, Verbosity = verbosity }));
}
