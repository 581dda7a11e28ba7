namespace Flepimop2.Commands;

/// <summary><c>flepimop2 process CONFIG [--dry-run] [--target=T] [-v...]</c>: runs one step of the <c>process</c> section.</summary>
public sealed record ProcessCommand : StepCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="configPath">The configuration file; made absolute so the job finds it from any directory.</param>
    public ProcessCommand(string configPath)
        : base(configPath)
    {
    }

    /// <inheritdoc/>
    public override string CommandName => "process";

    /// <summary>The <c>process</c> target, or <see langword="null"/> for the first.</summary>
    public string? ProcessTarget { get; init; }

    /// <inheritdoc/>
    public override string? Target => ProcessTarget;
}
