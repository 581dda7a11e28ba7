using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Configuration;

/// <summary>
/// A flepimop2 YAML configuration file: its <c>jobs</c> section (runners) and its step sections, <c>process</c> and
/// <c>simulate</c>, each a list (whose single entry is named <c>default</c>) or a mapping from target name to module
/// configuration.
/// </summary>
public sealed class ConfigurationFile
{
    /// <summary>The section of processing steps, run by <c>flepimop2 process</c>.</summary>
    public const string ProcessSection = "process";

    /// <summary>
    /// The section of simulations, run by <c>flepimop2 simulate</c>: steps as in <see cref="ProcessSection"/>, or the
    /// original program's own simulations, which only it runs (see <see cref="ModuleEntry.IsSimulationSpecification"/>).
    /// </summary>
    public const string SimulateSection = "simulate";

    /// <summary>The names tried, in order, when no configuration path is given.</summary>
    public static readonly IReadOnlyList<string> DefaultNames =
    [
        "config.yaml", "config.yml", "configuration.yaml", "configuration.yml",
        "configs/config.yaml", "configs/config.yml", "configs/configuration.yaml", "configs/configuration.yml",
    ];

    private readonly JsonObject _root;

    private ConfigurationFile(string displayPath, string fullPath, JsonObject root, string text)
    {
        DisplayPath = displayPath;
        FullPath = fullPath;
        _root = root;
        Text = text;
    }

    /// <summary>The path as the user gave it, for messages.</summary>
    public string DisplayPath { get; }

    /// <summary>The absolute path.</summary>
    public string FullPath { get; }

    /// <summary>The text the configuration was parsed from.</summary>
    internal string Text { get; }

    /// <summary>
    /// Read from a stream rather than a file (a pipe such as <c>&lt;(generate-config)</c>, a terminal): what was read cannot be
    /// read again at <see cref="FullPath"/>, so a job that reads it later needs a copy (<see cref="At"/>).
    /// </summary>
    internal bool IsStream { get; private set; }

    /// <summary>The same configuration, found at <paramref name="fullPath"/> (a copy of its <see cref="Text"/>); messages still name the given path.</summary>
    internal ConfigurationFile At(string fullPath) => new(DisplayPath, fullPath, _root, Text);

    /// <summary>Finds the default configuration file in a directory.</summary>
    /// <param name="directory">The directory to look in.</param>
    /// <returns>The relative name of the first that exists, or <see langword="null"/>.</returns>
    public static string? FindDefault(string directory) =>
        DefaultNames.FirstOrDefault(name => File.Exists(Path.Combine(directory, name)));

    /// <summary>The largest configuration file read; a real one is a few kilobytes.</summary>
    public const long MaxFileBytes = 8L << 20;

    /// <summary>Reads and parses a configuration file.</summary>
    /// <param name="path">The file (a regular file, or a pipe such as <c>&lt;(generate-config)</c>).</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The file is missing, unreadable, too large, not YAML, or not a mapping.</exception>
    public static ConfigurationFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (text, isStream) = ReadText(path);
        var file = Parse(text, path, Path.GetFullPath(path));
        file.IsStream = isStream;
        return file;
    }

    /// <summary>
    /// Reads and parses a configuration file; cancelling stops waiting at once, even for a FIFO whose writer never
    /// comes (the read is abandoned on a pool thread).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops waiting for the file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The file is missing, unreadable, too large, not YAML, or not a mapping.</exception>
    public static async Task<ConfigurationFile> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var (text, isStream) = await Task.Run(() => ReadText(path), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        var file = Parse(text, path, fullPath);
        file.IsStream = isStream;
        return file;
    }

    /// <summary>Parses configuration text.</summary>
    /// <param name="text">YAML text.</param>
    /// <param name="displayPath">The file name to use in messages.</param>
    /// <param name="fullPath">The absolute path of the file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="Flepimop2ConfigurationException">Invalid YAML, a bound passed (depth, values, aliases), or not a mapping.</exception>
    public static ConfigurationFile Parse(string text, string displayPath, string fullPath)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = YamlTree.Build(text, displayPath);
        if (root is null)
        {
            throw new Flepimop2ConfigurationException("the configuration file is empty", displayPath);
        }

        if (root is not JsonObject map)
        {
            throw new Flepimop2ConfigurationException(
                $"the top level must be a mapping with 'jobs' and 'process' or 'simulate' sections, got {OptionReader.Describe(root)}", displayPath);
        }

        return new ConfigurationFile(displayPath, fullPath, map, text);
    }

    private static (string Text, bool IsStream) ReadText(string path)
    {
        try
        {
            // Opened for reading as a user would with cat: a pipe works, a device or an endless file stops at the bound.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var bytes = SafeFile.ReadToEnd(stream, path, MaxFileBytes);
            if (NotUtf8(StripBom(bytes)) is { } problem)
            {
                // Decoded with replacement characters, a value would reach a job as other bytes than the file's.
                throw Flepimop2ConfigurationException.Unreadable(path, problem);
            }

            return (Encoding.UTF8.GetString(StripBom(bytes)), !stream.CanSeek);
        }
        catch (UnsafeFileException ex)
        {
            throw Flepimop2ConfigurationException.Unreadable(path, $"the configuration file {ex.Problem}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var problem = ex is FileNotFoundException or DirectoryNotFoundException
                ? "configuration file not found"
                : $"cannot read the configuration file: {ex.Message}";
            throw Flepimop2ConfigurationException.Unreadable(path, problem);
        }
    }

    /// <summary>Where the text stops being UTF-8 (line, and column in characters), or null when all of it is.</summary>
    private static string? NotUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        var valid = 0;
        while (Rune.DecodeFromUtf8(bytes[valid..], out _, out var used) == System.Buffers.OperationStatus.Done)
        {
            valid += used;
        }

        var before = bytes[..valid];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"the configuration file is not UTF-8 text: byte 0x{bytes[valid]:X2} at line {before.Count((byte)'\n') + 1}, column {Encoding.UTF8.GetCharCount(before[lineStart..]) + 1} is not part of a UTF-8 character; save the file as UTF-8");
    }

    private static ReadOnlySpan<byte> StripBom(byte[] bytes) =>
        bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes.AsSpan(3) : bytes;

    /// <summary>The entries of a section, in file order.</summary>
    /// <param name="section">For example <c>jobs</c> or <c>process</c>.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The section is missing, empty, of the wrong type, or holds entries
    /// that are not module configurations (every one is reported).</exception>
    public IReadOnlyList<ModuleEntry> Entries(string section)
    {
        if (!_root.TryGetPropertyValue(section, out var node) || node is null)
        {
            throw Flepimop2ConfigurationException.MissingSection(DisplayPath, section);
        }

        var entries = new List<ModuleEntry>();
        var problems = new List<Flepimop2ConfigurationException>();
        switch (node)
        {
            case JsonArray list when list.Count == 1:
                Collect(problems, () => entries.Add(Entry(section, "default", list[0])));
                break;
            case JsonArray list when list.Count > 1:
                throw Error(section, null, $"a list may hold only one entry (it is named 'default'); use a mapping from target name to module for {list.Count}");
            case JsonObject map:
                foreach (var (name, value) in map)
                {
                    Collect(problems, () => entries.Add(Entry(section, name, value)));
                }

                break;
            case JsonArray:
                break;
            default:
                throw Error(section, null, $"expected a mapping from target name to module configuration, got {OptionReader.Describe(node)}");
        }

        if (problems.Count > 0)
        {
            throw new Flepimop2ConfigurationException(problems);
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
            ?? throw Flepimop2ConfigurationException.UnknownTarget(DisplayPath, section, name, entries.Select(e => e.Name));
    }

    /// <summary>Builds the step of a target of a step section, with every problem located in this file and entry.</summary>
    /// <param name="section"><see cref="ProcessSection"/> or <see cref="SimulateSection"/>.</param>
    /// <param name="target">The target, or <see langword="null"/> for the first.</param>
    /// <returns>The entry and its step.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The section, the target or the step's options are not valid.</exception>
    public (ModuleEntry Entry, ProcessStep Step) BuildStep(string section, string? target)
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        var entry = Select(section, target);
        return (entry, BuildStep(entry));
    }

    /// <summary>Builds the step of an entry of a step section, with every problem located in this file and entry.</summary>
    /// <param name="entry">An entry of <see cref="ProcessSection"/> or <see cref="SimulateSection"/>.</param>
    /// <returns>The step.</returns>
    /// <exception cref="Flepimop2ConfigurationException">
    /// The step's options are not valid, or the entry is a simulation that only the original program runs.
    /// </exception>
    public ProcessStep BuildStep(ModuleEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.IsSimulationSpecification)
        {
            throw new Flepimop2ConfigurationException(
                "a simulation of the original flepimop2 (it has no 'module'), which this program cannot run itself; make it a step " +
                "(module: shell), or submit it with 'job simulate' to a runner whose 'executable' is the original program",
                DisplayPath,
                entry.Location);
        }

        return Locate(entry, () => ProcessStep.Build(entry.Values));
    }

    /// <summary>Builds the runner of a <c>jobs</c> target, with every problem located in this file and entry.</summary>
    /// <param name="target">The target, or <see langword="null"/> for the first.</param>
    /// <returns>The entry and its runner.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The section, the target or the runner's options are not valid.</exception>
    public (ModuleEntry Entry, JobRunner Runner) BuildRunner(string? target)
    {
        var entry = Select("jobs", target);
        return (entry, Locate(entry, () => JobRunners.Build(entry.Values)));
    }

    /// <summary>A runner's validation issues as one configuration error, each located in this file, entry and field.</summary>
    /// <param name="entry">The runner's entry.</param>
    /// <param name="issues">At least one issue.</param>
    /// <returns>The error: one line per issue, <c>file: entry.field: message [kind]</c>.</returns>
    public Flepimop2ConfigurationException Locate(ModuleEntry entry, IReadOnlyList<ValidationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(issues);
        return new Flepimop2ConfigurationException(issues.Select(i => new Flepimop2ConfigurationException($"{i.Message} [{i.Kind}]", DisplayPath, entry.Location, i.Field)));
    }

    /// <summary>Runs an action on a module of this file (building it, checking it), locating what it reports in the entry.</summary>
    /// <typeparam name="T">What the action gives.</typeparam>
    /// <param name="entry">The module's entry.</param>
    /// <param name="action">The action.</param>
    /// <returns>What the action gave.</returns>
    /// <exception cref="Flepimop2ConfigurationException">The action's error, located in this file and entry.</exception>
    public T Locate<T>(ModuleEntry entry, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Flepimop2ConfigurationException ex)
        {
            throw ex.At(DisplayPath, entry.Location);
        }
    }

    private static void Collect(List<Flepimop2ConfigurationException> problems, Action action)
    {
        try
        {
            action();
        }
        catch (Flepimop2ConfigurationException ex)
        {
            problems.Add(ex);
        }
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
}
