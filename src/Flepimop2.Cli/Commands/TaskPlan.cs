using Flepimop2.Commands;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>What a <see cref="TaskSource"/> makes of the command line and the configuration.</summary>
/// <param name="Variants">
/// The command of each different task, in order. A sweep runs each <c>--repeat</c> times, variant-major (task
/// <c>v * N + r</c> is repeat <c>r</c> of variant <c>v</c>).
/// </param>
/// <param name="Check">
/// Checks, once the runner is known and valid, that every task could start where the job runs (a step's program on the
/// job's PATH); throws a configuration error located in the file.
/// </param>
internal sealed record TaskPlan(IReadOnlyList<CliCommand> Variants, Action<JobRunner> Check);
