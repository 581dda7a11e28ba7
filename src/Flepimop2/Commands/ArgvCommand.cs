namespace Flepimop2.Commands;

/// <summary>
/// A command given as its exact argument list: either a flepimop2 command line after the program (<c>process CONFIG
/// --target=T</c>, <see cref="RunsFlepimop2"/>), which the runner starts with its flepimop2 prefix as for any command, or a
/// whole program and its arguments (<c>Rscript model.R --seed 3</c>), started as it is. What a record keeps of a
/// submission, so that it can be submitted again exactly.
/// </summary>
public sealed record ArgvCommand : CliCommand
{
    private readonly string[] _argv;

    /// <summary>Creates the command.</summary>
    /// <param name="argv">The arguments, at least one: a flepimop2 command name and its arguments, or a program and its arguments.</param>
    /// <param name="runsFlepimop2">Whether <paramref name="argv"/> follows the runner's flepimop2 prefix (else it is a whole program).</param>
    /// <exception cref="ArgumentException">The list is empty, or an argument holds a NUL character.</exception>
    public ArgvCommand(IReadOnlyList<string> argv, bool runsFlepimop2)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0 || argv[0].Length == 0)
        {
            throw new ArgumentException("a command needs at least a non-empty program or command name", nameof(argv));
        }

        if (argv.Any(a => a.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("an argument holds a NUL character, which no process can receive", nameof(argv));
        }

        _argv = [.. argv];
        RunsFlepimop2 = runsFlepimop2;
    }

    /// <summary>The arguments, from the command name (or program) on.</summary>
    public IReadOnlyList<string> Argv => _argv;

    /// <summary>Whether the runner starts it after its flepimop2 prefix.</summary>
    public override bool RunsFlepimop2 { get; }

    /// <summary>
    /// The flepimop2 command's name (<c>process</c>), or for a whole program its file name (<c>Rscript</c> for
    /// <c>/usr/bin/Rscript</c>): a name for job names and logs, never a path.
    /// </summary>
    public override string CommandName => RunsFlepimop2 ? _argv[0] : Path.GetFileName(_argv[0]) is { Length: > 0 } name ? name : _argv[0];

    /// <summary>The configuration file the command reads, when known (for job names and listings).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The target the command runs, when known (for job names and listings).</summary>
    public string? TargetName { get; init; }

    /// <inheritdoc/>
    public override string? Config => ConfigFile;

    /// <inheritdoc/>
    public override string? Target => TargetName;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ToArgv() => _argv[1..];

    /// <summary>The runner's prefix and the arguments for a flepimop2 command; the arguments alone for a program.</summary>
    /// <param name="program">The argv prefix that starts flepimop2.</param>
    /// <returns>The argv.</returns>
    public override IReadOnlyList<string> CommandLine(IReadOnlyList<string> program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return RunsFlepimop2 ? [.. program, .. _argv] : _argv;
    }

    /// <summary>Records are compared by their arguments, not by reference.</summary>
    /// <param name="other">The other command.</param>
    /// <returns>Whether both run the same thing.</returns>
    public bool Equals(ArgvCommand? other) =>
        other is not null && RunsFlepimop2 == other.RunsFlepimop2 && _argv.SequenceEqual(other._argv, StringComparer.Ordinal)
        && ConfigFile == other.ConfigFile && TargetName == other.TargetName;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RunsFlepimop2, _argv.Length, _argv[0]);
}
