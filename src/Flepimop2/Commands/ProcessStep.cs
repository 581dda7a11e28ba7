using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Commands;

/// <summary>
/// A configured step (a <c>process</c> module, named in a <c>process</c> or <c>simulate</c> entry), run by
/// <c>flepimop2 process</c> or <c>flepimop2 simulate</c>.
/// </summary>
public abstract class ProcessStep
{
    /// <summary>The fully qualified module name, for example <c>flepimop2.process.shell</c>.</summary>
    public abstract string Module { get; }

    /// <summary>Builds a step from its configuration mapping.</summary>
    /// <param name="configuration">The mapping with a <c>module</c> key.</param>
    /// <returns>The step.</returns>
    /// <exception cref="Flepimop2ConfigurationException">Unknown module or invalid option.</exception>
    public static ProcessStep Build(JsonObject configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new OptionReader(configuration);
        var module = reader.RequiredString("module");
        reader.ThrowIfAny();
        var resolved = module!.Contains('.', StringComparison.Ordinal) ? module : $"flepimop2.process.{module}";
        return resolved switch
        {
            ShellProcessStep.ModuleName => ShellProcessStep.FromConfiguration(configuration),
            _ => throw Flepimop2ConfigurationException.UnknownModule("process", module, [ShellProcessStep.ModuleName]),
        };
    }

    /// <summary>Checks, without running anything, that the step can run here, and says what it would run.</summary>
    /// <returns>The command line it would run, shell-quoted.</returns>
    /// <exception cref="Flepimop2ConfigurationException">Something the step needs is missing.</exception>
    public abstract string Describe();

    /// <summary>
    /// Checks, before a job is submitted, that the step could start in the job's environment (for example that its program
    /// is on the job's PATH). Steps that cannot tell do nothing.
    /// </summary>
    /// <param name="environment">The job's search path and working directory.</param>
    /// <exception cref="Flepimop2ConfigurationException">The step could not start there; the message names the field.</exception>
    public virtual void CheckRunnable(JobEnvironment environment)
    {
    }

    /// <summary>Runs the step.</summary>
    /// <param name="cancellationToken">Stops waiting; the step's process is signalled.</param>
    /// <returns>The step's exit code.</returns>
    public abstract Task<int> RunAsync(CancellationToken cancellationToken);
}
