using System.Text.Json.Nodes;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Batch;

/// <summary>What a scheduler runner is built with beside its options: how it runs and finds the tools, its clock, and what its configuration held that it keeps as given.</summary>
/// <param name="Processes">Runs the scheduler's tools.</param>
/// <param name="Clock">The clock for timestamps, back-off and the grace window.</param>
/// <param name="FindTool">Where a tool is found (null when it is not); <see cref="OnPath"/> for this process's PATH.</param>
internal sealed record BatchRunnerParts(IProcessRunner Processes, TimeProvider Clock, Func<string, string?> FindTool)
{
    /// <summary>The configuration's keys the runner does not know, kept to be written back as they were given.</summary>
    public JsonObject Extra { get; init; } = [];

    /// <summary>The configuration's <c>options</c> entry as it was given, or null.</summary>
    public JsonNode? OptionsNode { get; init; }

    /// <summary>Finds a tool on the PATH of this process.</summary>
    public static string? OnPath(string tool) => Executables.Find(tool, Environment.GetEnvironmentVariable("PATH"));
}
