using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Flepimop2.Configuration;

/// <summary>
/// Builds the JSON tree of a YAML document from the parser's event stream, with bounds a hostile file cannot get past:
/// nesting depth, the number of values (aliases count as the values they copy, so a few hundred bytes of nested aliases
/// cannot expand to gigabytes), and no alias to a node that contains it. It never recurses, so deep nesting cannot
/// overflow the stack, and it refuses a NUL character, which no argument, environment value or path can carry.
/// </summary>
internal static class YamlTree
{
    /// <summary>Deeper than any configuration needs (a jobs entry's sbatch options sit at depth 4).</summary>
    public const int MaxDepth = 64;

    /// <summary>Values in one file, aliases expanded.</summary>
    public const int MaxValues = 100_000;

    /// <summary>Builds the tree of the single document in <paramref name="text"/>; null when the file holds no document.</summary>
    /// <exception cref="Flepimop2ConfigurationException">Invalid YAML, more than one document, or a bound passed.</exception>
    public static JsonNode? Build(string text, string displayPath)
    {
        var builder = new Builder(displayPath);
        var parser = new Parser(new StringReader(text));
        while (Next(parser, displayPath))
        {
            builder.Accept(parser.Current!);
        }

        return builder.Root;
    }

    private static bool Next(Parser parser, string displayPath)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (YamlException ex)
        {
            throw new Flepimop2ConfigurationException(
                $"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {FirstLine(ex.Message)}", displayPath);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            // The parser gave up on text it does not expect (seen: "...\n|\n"); the text is at fault, not the program.
            throw new Flepimop2ConfigurationException($"invalid YAML: {FirstLine(ex.Message)}", displayPath);
        }
    }

    private static string FirstLine(string message)
    {
        var index = message.IndexOf('\n', StringComparison.Ordinal);
        var line = index < 0 ? message : message[..index];
        var paren = line.IndexOf("): ", StringComparison.Ordinal);
        return line.StartsWith("(Line:", StringComparison.Ordinal) && paren > 0 ? line[(paren + 3)..] : line;
    }

    private sealed class Builder(string displayPath)
    {
        private readonly Stack<Frame> _open = new();
        private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
        private int _values;
        private int _documents;

        public JsonNode? Root { get; private set; }

        public void Accept(ParsingEvent next)
        {
            switch (next)
            {
                case DocumentStart:
                    if (++_documents > 1)
                    {
                        throw Error("the configuration file holds more than one YAML document");
                    }

                    break;
                case Scalar scalar when _open.TryPeek(out var map) && map.ExpectsKey:
                    var key = Checked(scalar.Value, scalar, isKey: true);
                    if (((JsonObject)map.Node).ContainsKey(key))
                    {
                        // One of the two would silently win; say so instead.
                        throw Error($"duplicate key '{Internal.Printable.Escape(key)}' at line {scalar.Start.Line}, column {scalar.Start.Column}");
                    }

                    map.Key = key;
                    break;
                case NodeEvent node when _open.TryPeek(out var map) && map.ExpectsKey:
                    throw Error($"a mapping key at line {node.Start.Line} is not a plain name");
                case Scalar scalar:
                    var value = YamlScalars.Resolve(
                        Checked(scalar.Value, scalar, isKey: false),
                        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag.IsEmpty);
                    Count(1, scalar);
                    Place(value, scalar);
                    Remember(scalar.Anchor, value, 1, 0);
                    break;
                case AnchorAlias alias:
                    var copy = Expand(alias);
                    Place(copy.Node, alias, copy.Height);
                    break;
                case MappingStart mapping:
                    Open(new JsonObject(), mapping.Anchor, mapping);
                    break;
                case SequenceStart sequence:
                    Open(new JsonArray(), sequence.Anchor, sequence);
                    break;
                case MappingEnd or SequenceEnd:
                    var done = _open.Pop();
                    Remember(done.Anchor, done.Node, _values - done.ValuesBefore, done.Height);
                    if (_open.TryPeek(out var parent))
                    {
                        parent.Height = Math.Max(parent.Height, done.Height + 1);
                    }

                    break;
            }
        }

        private void Open(JsonNode node, AnchorName anchor, ParsingEvent at)
        {
            if (_open.Count >= MaxDepth)
            {
                throw Error($"nests deeper than {MaxDepth} levels at line {at.Start.Line}");
            }

            Count(1, at);
            var valuesBefore = _values;
            var name = Segment();
            Place(node, at);
            _open.Push(new Frame(node, anchor.IsEmpty ? null : anchor.Value, valuesBefore - 1) { Name = name });
        }

        private Anchored Expand(AnchorAlias alias)
        {
            var name = alias.Value.Value;
            if (_open.Any(f => f.Anchor == name))
            {
                throw Error($"alias '*{name}' at line {alias.Start.Line} refers to a node that contains it");
            }

            if (!_anchors.TryGetValue(name, out var anchored))
            {
                throw Error($"alias '*{name}' at line {alias.Start.Line} refers to no anchor before it");
            }

            if (_open.Count + anchored.Height >= MaxDepth)
            {
                throw Error($"nests deeper than {MaxDepth} levels through alias '*{name}' at line {alias.Start.Line}");
            }

            Count(anchored.Values, alias);
            return anchored with { Node = anchored.Node?.DeepClone() };
        }

        private void Count(int values, ParsingEvent at)
        {
            if ((long)_values + values > MaxValues)
            {
                throw Error(
                    string.Create(CultureInfo.InvariantCulture, $"holds more than {MaxValues} values once aliases are expanded (at line {at.Start.Line}); a configuration needs far fewer"));
            }

            _values += values;
        }

        private void Place(JsonNode? node, ParsingEvent at, int height = 0)
        {
            if (!_open.TryPeek(out var parent))
            {
                Root = node;
                return;
            }

            parent.Height = Math.Max(parent.Height, height + 1);

            switch (parent.Node)
            {
                case JsonArray list:
                    list.Add(node);
                    break;
                case JsonObject map:
                    map[parent.Key!] = node;
                    parent.Key = null;
                    break;
                default:
                    throw Error($"unexpected YAML structure at line {at.Start.Line}");
            }
        }

        private void Remember(AnchorName anchor, JsonNode? node, int values, int height)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = new Anchored(node, values, height);
            }
        }

        private string Checked(string text, ParsingEvent at, bool isKey)
        {
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                throw new Flepimop2ConfigurationException(
                    $"{(isKey ? "a key" : "the value")} at line {at.Start.Line} holds a NUL character (\\0), which no program argument, environment value or path can carry",
                    displayPath,
                    Location());
            }

            return text;
        }

        /// <summary>Where the next value goes in the innermost open node: <c>.key</c> or <c>[index]</c>.</summary>
        private string? Segment() => _open.TryPeek(out var top)
            ? top.Node switch
            {
                JsonObject when top.Key is { } key => "." + key,
                JsonArray list => string.Create(CultureInfo.InvariantCulture, $"[{list.Count}]"),
                _ => null,
            }
            : null;

        /// <summary>Where the builder is, as <c>jobs.hpc.env</c> or <c>process.p.args[2]</c>, for messages.</summary>
        private string? Location()
        {
            var path = string.Concat(_open.Reverse().Select(f => f.Name)) + Segment();
            return path.Length == 0 ? null : path.TrimStart('.');
        }

        private Flepimop2ConfigurationException Error(string problem) => new(problem, displayPath);

        private sealed class Frame(JsonNode node, string? anchor, int valuesBefore)
        {
            public JsonNode Node { get; } = node;

            public string? Anchor { get; } = anchor;

            public int ValuesBefore { get; } = valuesBefore;

            /// <summary>How many levels the finished children reach below this node.</summary>
            public int Height { get; set; }

            /// <summary>Where this node sits in its parent: <c>.key</c> or <c>[index]</c>; null for the root.</summary>
            public string? Name { get; init; }

            /// <summary>The key read for the next value of a mapping.</summary>
            public string? Key { get; set; }

            public bool ExpectsKey => Node is JsonObject && Key is null;
        }

        private sealed record Anchored(JsonNode? Node, int Values, int Height);
    }
}
