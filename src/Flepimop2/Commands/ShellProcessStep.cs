using System.Diagnostics;
using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Internal;

namespace Flepimop2.Commands;

/// <summary>
/// Process module <c>shell</c>: runs <c>command</c> with <c>args</c> directly (no shell in between),
/// forwards its output, and ends with its exit code.
/// </summary>
public sealed class ShellProcessStep : ProcessStep
{
    /// <summary>The fully qualified module name.</summary>
    public const string ModuleName = "flepimop2.process.shell";

    private ShellProcessStep(string command, IReadOnlyList<string> args)
    {
        Command = command;
        Args = args;
    }

    /// <inheritdoc/>
    public override string Module => ModuleName;

    /// <summary>The program: a bare name looked up on PATH, or a path.</summary>
    public string Command { get; }

    /// <summary>The arguments, passed as they are.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>Builds the step from configuration.</summary>
    /// <param name="configuration">The mapping: <c>command</c> (required) and <c>args</c> (a list).</param>
    /// <returns>The step.</returns>
    public static ShellProcessStep FromConfiguration(JsonObject configuration)
    {
        var reader = new OptionReader(configuration);
        return new ShellProcessStep(reader.RequiredString("command"), reader.StringList("args") ?? []);
    }

    /// <inheritdoc/>
    public override string Describe() => ShellQuote.Join([Resolve(), .. Args]);

    /// <inheritdoc/>
    public override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Resolve()) { UseShellExecute = false };
        foreach (var arg in Args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new Flepimop2Exception($"could not start '{Command}'");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return process.ExitCode;
    }

    private string Resolve() =>
        Executables.Find(Command, Environment.GetEnvironmentVariable("PATH"))
        ?? throw new Flepimop2ConfigurationException(
            Command.Contains('/', StringComparison.Ordinal)
                ? $"'{Command}' is not an executable file"
                : $"command '{Command}' not found on PATH",
            field: "command");
}
