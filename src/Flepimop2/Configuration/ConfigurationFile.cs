using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Flepimop2.Configuration;

/// <summary>
/// A flepimop2 YAML configuration file: its <c>jobs</c> and <c>process</c> sections, each a list
/// (whose single entry is named <c>default</c>) or a mapping from target name to module configuration.
/// </summary>
public sealed class ConfigurationFile
{
    /// <summary>The names tried, in order, when no configuration path is given.</summary>
    public static readonly IReadOnlyList<string> DefaultNames =
    [
        "config.yaml", "config.yml", "configuration.yaml", "configuration.yml",
        "configs/config.yaml", "configs/config.yml", "configs/configuration.yaml", "configs/configuration.yml",
    ];

    private readonly JsonObject _root;

    private ConfigurationFile(string displayPath, string fullPath, JsonObject root)
    {
        DisplayPath = displayPath;
        FullPath = fullPath;
        _root = root;
    }

    /// <summary>The path as the user gave it, for messages.</summary>
    public string DisplayPath { get; }

    /// <summary>The absolute path.</summary>
    public string FullPath { get; }

    /// <summary>Finds the default configuration file in a directory.</summary>
    /// <param name="directory">The directory to look in.</param>
    /// <returns>The relative name of the first that exists, or <see langword="null"/>.</returns>
    public static string? FindDefault(string directory) =>
        DefaultNames.FirstOrDefault(name => File.Exists(Path.Combine(directory, name)));

    /// <summary>Reads and parses a configuration file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The file is missing, unreadable, not YAML, or not a mapping.</exception>
    public static ConfigurationFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var problem = ex is FileNotFoundException or DirectoryNotFoundException
                ? "configuration file not found"
                : $"cannot read the configuration file: {ex.Message}";
            throw new Flepimop2ConfigurationException(problem, path);
        }

        return Parse(text, path, Path.GetFullPath(path));
    }

    /// <summary>Parses configuration text.</summary>
    /// <param name="text">YAML text.</param>
    /// <param name="displayPath">The file name to use in messages.</param>
    /// <param name="fullPath">The absolute path of the file.</param>
    /// <returns>The configuration.</returns>
    public static ConfigurationFile Parse(string text, string displayPath, string fullPath)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new Flepimop2ConfigurationException(
                $"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {FirstLine(ex.Message)}", displayPath);
        }

        if (stream.Documents.Count == 0)
        {
            throw new Flepimop2ConfigurationException("the configuration file is empty", displayPath);
        }

        if (stream.Documents.Count > 1)
        {
            throw new Flepimop2ConfigurationException("the configuration file holds more than one YAML document", displayPath);
        }

        var root = stream.Documents[0].RootNode;
        if (ToJson(root, displayPath) is not JsonObject map)
        {
            throw new Flepimop2ConfigurationException(
                $"the top level must be a mapping with 'jobs' and 'process' sections (line {root.Start.Line})", displayPath);
        }

        return new ConfigurationFile(displayPath, fullPath, map);
    }

    /// <summary>The entries of a section, in file order.</summary>
    /// <param name="section">For example <c>jobs</c> or <c>process</c>.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The section is missing, empty, or of the wrong type.</exception>
    public IReadOnlyList<ModuleEntry> Entries(string section)
    {
        if (!_root.TryGetPropertyValue(section, out var node) || node is null)
        {
            throw Error(section, null, $"the file has no '{section}' section");
        }

        var entries = new List<ModuleEntry>();
        switch (node)
        {
            case JsonArray list when list.Count == 1:
                entries.Add(Entry(section, "default", list[0]));
                break;
            case JsonArray list when list.Count > 1:
                throw Error(section, null, $"a list may hold only one entry (it is named 'default'); use a mapping from target name to module for {list.Count}");
            case JsonObject map:
                foreach (var (name, value) in map)
                {
                    entries.Add(Entry(section, name, value));
                }

                break;
            case JsonArray:
                break;
            default:
                throw Error(section, null, $"expected a mapping from target name to module configuration, got {OptionReader.Describe(node)}");
        }

        return entries.Count == 0 ? throw Error(section, null, "the section is empty") : entries;
    }

    /// <summary>Picks a target: the named one, or the first when <paramref name="name"/> is null.</summary>
    /// <param name="section">For example <c>jobs</c>.</param>
    /// <param name="name">The target name, or <see langword="null"/> for the first.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="Flepimop2ConfigurationException">No such target; the message lists those there are.</exception>
    public ModuleEntry Select(string section, string? name)
    {
        var entries = Entries(section);
        if (name is null)
        {
            return entries[0];
        }

        return entries.FirstOrDefault(e => e.Name == name)
            ?? throw Error(section, null, $"no target '{name}'; targets: {string.Join(", ", entries.Select(e => e.Name))}");
    }

    /// <summary>Locates an error from building a module in this file and entry.</summary>
    /// <param name="error">The error, usually naming a field.</param>
    /// <param name="entry">The entry being built.</param>
    /// <returns>The located error.</returns>
    public Flepimop2ConfigurationException Locate(Flepimop2ConfigurationException error, ModuleEntry entry)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(entry);
        return error.At(DisplayPath, entry.Location);
    }

    private ModuleEntry Entry(string section, string name, JsonNode? node) => node switch
    {
        JsonObject map => new ModuleEntry(section, name, map),
        JsonValue v when OptionReader.ScalarText(v) is { } text && text.Contains('(', StringComparison.Ordinal) =>
            new ModuleEntry(section, name, ParseShorthand(text, section, name)),
        _ => throw Error(section, name, $"expected a mapping with a 'module' key, got {OptionReader.Describe(node)}"),
    };

    private JsonObject ParseShorthand(string text, string section, string name)
    {
        try
        {
            return Shorthand.Parse(text);
        }
        catch (Flepimop2ConfigurationException ex)
        {
            throw ex.At(DisplayPath, $"{section}.{name}");
        }
    }

    private Flepimop2ConfigurationException Error(string section, string? name, string problem) =>
        new(problem, DisplayPath, name is null ? section : $"{section}.{name}");

    private static string FirstLine(string message)
    {
        var index = message.IndexOf('\n', StringComparison.Ordinal);
        var line = index < 0 ? message : message[..index];
        var paren = line.IndexOf("): ", StringComparison.Ordinal);
        return line.StartsWith("(Line:", StringComparison.Ordinal) && paren > 0 ? line[(paren + 3)..] : line;
    }

    private static JsonNode? ToJson(YamlNode node, string displayPath)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return YamlScalars.Resolve(scalar.Value ?? string.Empty, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag.IsEmpty);
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(ToJson(item, displayPath));
                }

                return array;
            case YamlMappingNode mapping:
                var map = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw new Flepimop2ConfigurationException($"a mapping key at line {key.Start.Line} is not a plain name", displayPath);
                    }

                    map[name] = ToJson(value, displayPath);
                }

                return map;
            default:
                throw new Flepimop2ConfigurationException($"unsupported YAML node at line {node.Start.Line}", displayPath);
        }
    }
}
