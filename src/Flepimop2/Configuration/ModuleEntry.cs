using System.Text.Json.Nodes;

namespace Flepimop2.Configuration;

/// <summary>One named entry of a configuration section, for example <c>jobs.hpc</c>.</summary>
/// <param name="Section">The section: <c>jobs</c>, <c>process</c> or <c>simulate</c>.</param>
/// <param name="Name">The target name; <c>default</c> for the single entry of a list.</param>
/// <param name="Values">The module configuration, including <c>module</c>.</param>
public sealed record ModuleEntry(string Section, string Name, JsonObject Values)
{
    /// <summary>Where the entry is, for messages: <c>{section}.{name}</c>.</summary>
    public string Location => $"{Section}.{Name}";

    /// <summary>
    /// Whether this is a <c>simulate</c> entry in the original program's own form: a simulation (<c>engine</c>,
    /// <c>system</c>, <c>backend</c>, <c>times</c>, ...) with no <c>module</c>, which only the original runs. A
    /// <c>simulate</c> entry with a <c>module</c> is a step, like a <c>process</c> entry.
    /// </summary>
    public bool IsSimulationSpecification => Section == ConfigurationFile.SimulateSection && !Values.ContainsKey("module");
}
