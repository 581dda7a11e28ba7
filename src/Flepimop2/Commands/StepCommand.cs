namespace Flepimop2.Commands;

/// <summary>
/// A flepimop2 command that runs one step of a configuration section: <c>flepimop2 {name} CONFIG [--dry-run] [--target=T]
/// [-v...]</c>, as <see cref="ProcessCommand"/> does for <c>process</c> and <see cref="SimulateCommand"/> for
/// <c>simulate</c>. The original program takes the same options for both, so a runner whose <c>executable</c> is the
/// original runs these commands too.
/// </summary>
public abstract record StepCommand : CliCommand
{
    private readonly string _configPath;

    /// <summary>Creates the command.</summary>
    /// <param name="configPath">The configuration file; made absolute so the job finds it from any directory.</param>
    protected StepCommand(string configPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        _configPath = Path.GetFullPath(configPath);
    }

    /// <summary>The configuration file, absolute.</summary>
    public string ConfigPath
    {
        get => _configPath;
        init => _configPath = Path.GetFullPath(value);
    }

    /// <inheritdoc/>
    public override string? Config => ConfigPath;

    /// <summary>Print what the step would run instead of running it.</summary>
    public bool DryRun { get; init; }

    /// <summary>Log verbosity, 0 to 3.</summary>
    public int Verbosity { get; init; }

    /// <summary>The configuration file, then <c>--dry-run</c>, <c>--target=T</c> and the verbosity, each when set.</summary>
    /// <returns>The tokens.</returns>
    public override IReadOnlyList<string> ToArgv()
    {
        var argv = new List<string> { ConfigPath };
        if (DryRun)
        {
            argv.Add("--dry-run");
        }

        if (Target is { } target)
        {
            // One token: a value such as "-vvv" or "@file" can then never be read as an option or a response file.
            argv.Add("--target=" + target);
        }

        argv.AddRange(VerbosityToken(Verbosity));
        return argv;
    }
}
