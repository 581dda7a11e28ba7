using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Subprocesses;

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

    /// <summary>How long a cancelled step has after SIGTERM before it is killed.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock the grace period is measured on; the system clock unless set.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Builds the step from configuration.</summary>
    /// <param name="configuration">The mapping: <c>command</c> (required) and <c>args</c> (a list).</param>
    /// <returns>The step.</returns>
    public static ShellProcessStep FromConfiguration(JsonObject configuration)
    {
        var reader = new OptionReader(configuration);
        var step = new ShellProcessStep(reader.RequiredString("command") ?? string.Empty, reader.StringList("args") ?? []);
        reader.ThrowIfAny();
        return step;
    }

    /// <inheritdoc/>
    public override string Describe() => ShellQuote.Join([Resolve(), .. Args]);

    /// <inheritdoc/>
    public override void CheckRunnable(JobEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (Executables.Find(Command, environment.SearchPath, environment.WorkingDirectory) is null)
        {
            throw NotFound(environment.SearchPath is null ? "(the job's environment has no PATH)" : "on the job's PATH");
        }
    }

    /// <inheritdoc/>
    public override async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var process = ProcessLauncher.Start(new ProcessSpec([Resolve(), .. Args]));
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM to the step and everything it started, SIGKILL to what is left after the grace period.
            await ProcessTree.StopAsync(process, StopGracePeriod, Clock).ConfigureAwait(false);
            throw;
        }

        return process.ExitCode;
    }

    private string Resolve() =>
        Executables.Find(Command, Environment.GetEnvironmentVariable("PATH")) ?? throw NotFound("on PATH");

    private Flepimop2ConfigurationException NotFound(string where) =>
        new(
            Command.Contains('/', StringComparison.Ordinal)
                ? $"'{Printable.Escape(Command)}' is not an executable file"
                : $"command '{Printable.Escape(Command)}' not found {where}",
            field: "command");
}
