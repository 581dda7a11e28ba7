namespace Flepimop2.Commands;

/// <summary>
/// <c>flepimop2 simulate CONFIG [--dry-run] [--target=T] [-v...]</c>: runs one step of the <c>simulate</c> section. The
/// original program takes the same command line for its own simulations.
/// </summary>
public sealed record SimulateCommand : StepCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="configPath">The configuration file; made absolute so the job finds it from any directory.</param>
    public SimulateCommand(string configPath)
        : base(configPath)
    {
    }

    /// <inheritdoc/>
    public override string CommandName => "simulate";

    /// <summary>The <c>simulate</c> target, or <see langword="null"/> for the first.</summary>
    public string? SimulateTarget { get; init; }

    /// <inheritdoc/>
    public override string? Target => SimulateTarget;
}
