using System.CommandLine;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job run [--config CONFIG] [shared options] -- PROGRAM [ARGS...]</c>: submits any program with its exact
/// arguments (see <see cref="ProgramTasks"/>, and <see cref="JobSubmitCommand"/> for the rest).
/// </summary>
internal static class JobRunCommand
{
    public static Command Create(CliContext context) => JobSubmitCommand.Create(
        context,
        "run",
        "Submit any program, with its exact arguments after --, as a job, or a sweep of them (--repeat).",
        new ProgramTasks());
}
