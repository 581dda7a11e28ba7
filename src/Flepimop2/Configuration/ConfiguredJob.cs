using Flepimop2.Commands;
using Flepimop2.Jobs;

namespace Flepimop2.Configuration;

/// <summary>What <c>job process</c> or <c>job simulate</c> takes from a configuration file: a runner and the step it will run, each with its entry.</summary>
/// <param name="JobEntry">The <c>jobs</c> entry.</param>
/// <param name="Runner">The runner built from it.</param>
/// <param name="StepEntry">The step's entry, in <c>process</c> or <c>simulate</c>.</param>
/// <param name="Step">The step built from it.</param>
public sealed record ConfiguredJob(ModuleEntry JobEntry, JobRunner Runner, ModuleEntry StepEntry, ProcessStep Step);
