using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Jobs.Shell;
using Flepimop2.Jobs.Slurm;

namespace Flepimop2.Configuration;

/// <summary>
/// Builds runners from configuration and keeps the registry of job modules by name.
/// <c>shell</c>, <c>slurm</c> and <c>gridengine</c> are registered from the start; register your own with <see cref="Register(string, Func{JsonObject, JobRunner})"/>.
/// </summary>
public static class JobRunners
{
    /// <summary>The namespace a short module name is resolved in.</summary>
    public const string Namespace = "flepimop2.job";

    private static readonly ConcurrentDictionary<string, Func<JsonObject, TimeProvider, JobRunner>> Factories = new(StringComparer.Ordinal)
    {
        [ShellJobRunner.ModuleName] = ShellJobRunner.FromConfiguration,
        [SlurmJobRunner.ModuleName] = SlurmJobRunner.FromConfiguration,
        [GridEngineJobRunner.ModuleName] = GridEngineJobRunner.FromConfiguration,
    };

    /// <summary>The fully qualified names of the registered modules, sorted.</summary>
    public static IReadOnlyList<string> RegisteredModules => [.. Factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers (or replaces) a job module.</summary>
    /// <param name="module">A short name (resolved in <c>flepimop2.job</c>) or a fully qualified dotted name.</param>
    /// <param name="factory">Builds the runner from its configuration; <c>module</c> in it is already fully qualified.
    /// It should throw <see cref="Flepimop2ConfigurationException"/> naming the field for bad values.</param>
    public static void Register(string module, Func<JsonObject, JobRunner> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Register(module, (configuration, _) => factory(configuration));
    }

    /// <summary>Registers (or replaces) a job module whose runner takes the clock it is built with (for waits and timestamps).</summary>
    /// <param name="module">A short name (resolved in <c>flepimop2.job</c>) or a fully qualified dotted name.</param>
    /// <param name="factory">Builds the runner from its configuration and a clock; <c>module</c> in it is already fully qualified.
    /// It should throw <see cref="Flepimop2ConfigurationException"/> naming the field for bad values.</param>
    public static void Register(string module, Func<JsonObject, TimeProvider, JobRunner> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        ArgumentNullException.ThrowIfNull(factory);
        Factories[ResolveModuleName(module)] = factory;
    }

    /// <summary>Resolves a module name: a dotted name is taken as it is, a short one gets the <c>flepimop2.job.</c> prefix.</summary>
    /// <param name="module">The name.</param>
    /// <returns>The fully qualified name.</returns>
    public static string ResolveModuleName(string module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.Contains('.', StringComparison.Ordinal) ? module : $"{Namespace}.{module}";
    }

    /// <summary>Builds a runner from a configuration mapping with a <c>module</c> key.</summary>
    /// <param name="configuration">The mapping; it is not changed.</param>
    /// <param name="clock">The clock the runner uses for timestamps and waits; the system clock when null.</param>
    /// <returns>The runner.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The module is missing or unknown, or an option is invalid.</exception>
    public static JobRunner Build(JsonObject configuration, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var copy = (JsonObject)configuration.DeepClone();
        var reader = new OptionReader(copy);
        var module = reader.RequiredString("module");
        reader.ThrowIfAny();

        // Every module's entry may set the site's poll floor; the module itself keeps it as one of its unknown keys.
        MinPollInterval.Read(copy);
        var resolved = ResolveModuleName(module!);
        if (!Factories.TryGetValue(resolved, out var factory))
        {
            throw Flepimop2ConfigurationException.UnknownModule("job", module!, RegisteredModules);
        }

        copy["module"] = resolved;
        return factory(copy, clock ?? TimeProvider.System);
    }

    /// <summary>Builds a runner from shorthand text <c>name(key=value, ...)</c>, for example <c>shell(detach=false)</c>.</summary>
    /// <param name="shorthand">The text.</param>
    /// <returns>The runner.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The text is not of that form, or the module or an option is invalid.</exception>
    public static JobRunner Build(string shorthand) => Build(Shorthand.Parse(shorthand));
}
