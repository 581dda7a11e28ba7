using System.Globalization;
using Flepimop2.Commands;

namespace Flepimop2.Jobs.Batch;

/// <summary>What a scheduler job is named by: the command, the configuration's stem and the target (<c>sweep</c> for a sweep over several targets).</summary>
/// <param name="Command">The command's name (<c>process</c>).</param>
/// <param name="ConfigStem">The configuration file's name without its extension; <c>none</c> without one.</param>
/// <param name="Target">The target, <c>default</c> without one, <c>sweep</c> for several.</param>
/// <param name="Config">The configuration file as the command names it; <c>none</c> without one.</param>
/// <param name="Tasks">How many tasks, for a sweep; null for one job.</param>
internal sealed record BatchJobNames(string Command, string ConfigStem, string Target, string Config, int? Tasks)
{
    /// <summary>The names of a job that runs <paramref name="commands"/>.</summary>
    public static BatchJobNames Of(IReadOnlyList<CliCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var command = commands[0];
        var target = commands.Select(c => c.Target).Distinct(StringComparer.Ordinal).Count() > 1 ? "sweep" : command.Target ?? "default";
        var stem = command.Config is { } config ? Path.GetFileNameWithoutExtension(config) : "none";
        return new BatchJobNames(command.CommandName, stem, target, command.Config ?? "none", commands.Count > 1 ? commands.Count : null);
    }

    /// <summary>The parts joined by <paramref name="separator"/>, after <c>flepimop2</c>: <c>flepimop2:process:config:target</c>.</summary>
    public string Join(char separator) => string.Join(separator, "flepimop2", Command, ConfigStem, Target);

    /// <summary>A one-line description: <c>flepimop2 command=process config=CONFIG target=TARGET [tasks=N]</c>.</summary>
    public string Describe() =>
        $"flepimop2 command={Command} config={Config} target={Target}" + (Tasks is { } n ? string.Create(CultureInfo.InvariantCulture, $" tasks={n}") : string.Empty);
}
