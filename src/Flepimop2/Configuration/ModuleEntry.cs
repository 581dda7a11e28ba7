using System.Text.Json.Nodes;

namespace Flepimop2.Configuration;

/// <summary>One named entry of a configuration section, for example <c>jobs.hpc</c>.</summary>
/// <param name="Section">The section, <c>jobs</c> or <c>process</c>.</param>
/// <param name="Name">The target name; <c>default</c> for the single entry of a list.</param>
/// <param name="Values">The module configuration, including <c>module</c>.</param>
public sealed record ModuleEntry(string Section, string Name, JsonObject Values)
{
    /// <summary>Where the entry is, for messages: <c>{section}.{name}</c>.</summary>
    public string Location => $"{Section}.{Name}";
}
