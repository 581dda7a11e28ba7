using Flepimop2.Internal;

namespace Flepimop2.Commands;

/// <summary>
/// A flepimop2 command bound to its options, ready to be run by a job runner as
/// <c>flepimop2 {CommandName} {ToArgv()...}</c>.
/// </summary>
public abstract record CliCommand
{
    /// <summary>The command's name on the command line, for example <c>process</c>.</summary>
    public abstract string CommandName { get; }

    /// <summary>The configuration file the command reads, as an absolute path, if any.</summary>
    public virtual string? Config => null;

    /// <summary>The configuration target the command runs, if any.</summary>
    public virtual string? Target => null;

    /// <summary>
    /// Whether the runner starts this command after its flepimop2 prefix (the program that starts flepimop2, or the runner's
    /// <c>executable</c>); false for a command that is a whole program of its own, which then needs no such prefix.
    /// </summary>
    public virtual bool RunsFlepimop2 => true;

    /// <summary>The bound options as argument tokens, in declaration order, without the command name.</summary>
    /// <returns>The tokens.</returns>
    public abstract IReadOnlyList<string> ToArgv();

    /// <summary>
    /// The argv a runner starts for this command: <paramref name="program"/> (the argv prefix that starts flepimop2, or the
    /// runner's configured executable), the command name, then <see cref="ToArgv"/>.
    /// </summary>
    /// <param name="program">The argv prefix that starts flepimop2.</param>
    /// <returns>The argv.</returns>
    public virtual IReadOnlyList<string> CommandLine(IReadOnlyList<string> program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return [.. program, CommandName, .. ToArgv()];
    }

    /// <summary><c>flepimop2 {name} {argv...}</c> (or a program command's own argv), each token shell-quoted where needed.</summary>
    /// <returns>The command line.</returns>
    public sealed override string ToString() => ShellQuote.Join(CommandLine(["flepimop2"]));

    /// <summary>Renders a verbosity level as one token: <c>-v</c>, <c>-vv</c>, <c>-vvv</c>; nothing for 0.</summary>
    /// <param name="verbosity">0 to 3.</param>
    /// <returns>No token, or one.</returns>
    protected static IEnumerable<string> VerbosityToken(int verbosity) =>
        verbosity > 0 ? ["-" + new string('v', Math.Min(verbosity, 3))] : [];
}
