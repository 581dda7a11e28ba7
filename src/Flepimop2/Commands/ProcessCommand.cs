namespace Flepimop2.Commands;

/// <summary><c>flepimop2 process CONFIG [--dry-run] [--target=T] [-v...]</c>: runs one configured processing step.</summary>
public sealed record ProcessCommand : CliCommand
{
    private readonly string _configPath;

    /// <summary>Creates the command.</summary>
    /// <param name="configPath">The configuration file; made absolute so the job finds it from any directory.</param>
    public ProcessCommand(string configPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        _configPath = Path.GetFullPath(configPath);
    }

    /// <inheritdoc/>
    public override string CommandName => "process";

    /// <summary>The configuration file, absolute.</summary>
    public string ConfigPath
    {
        get => _configPath;
        init => _configPath = Path.GetFullPath(value);
    }

    /// <inheritdoc/>
    public override string? Config => ConfigPath;

    /// <summary>The <c>process</c> target, or <see langword="null"/> for the first.</summary>
    public string? ProcessTarget { get; init; }

    /// <inheritdoc/>
    public override string? Target => ProcessTarget;

    /// <summary>Print what the step would run instead of running it.</summary>
    public bool DryRun { get; init; }

    /// <summary>Log verbosity, 0 to 3.</summary>
    public int Verbosity { get; init; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ToArgv()
    {
        var argv = new List<string> { ConfigPath };
        if (DryRun)
        {
            argv.Add("--dry-run");
        }

        if (ProcessTarget is not null)
        {
            // One token: a value such as "-vvv" or "@file" can then never be read as an option or a response file.
            argv.Add("--target=" + ProcessTarget);
        }

        argv.AddRange(VerbosityToken(Verbosity));
        return argv;
    }
}
