using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Flepimop2.Configuration;

/// <summary>The state of one <see cref="YamlTree.Build"/>: the nodes still open, the anchors, and the bounds counted so far.</summary>
internal sealed class YamlTreeBuilder(string displayPath)
{
    private readonly Stack<Frame> _open = new();
    private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
    private int _values;
    private long _characters;
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
                AcceptKey(map, scalar);
                break;
            case AnchorAlias alias when _open.TryPeek(out var map) && map.ExpectsKey:
                var named = Expand(alias);
                SetKey(map, named.KeyText ?? throw Error($"a mapping key at {YamlTree.At(alias)} is the alias '*{alias.Value.Value}' of {OptionReader.Describe(named.Node)}; a key must be a name", located: true), alias, merge: false);
                break;
            case NodeEvent node when _open.TryPeek(out var map) && map.ExpectsKey:
                throw Error($"a mapping key at {YamlTree.At(node)} is {(node is SequenceStart ? "a list" : "a mapping")}; a key must be a name", located: true);
            case Scalar scalar:
                var text = Checked(scalar.Value, scalar, isKey: false);
                var value = Resolve(scalar, text);
                Count(1, text.Length, scalar);
                Place(value, scalar);
                Remember(scalar.Anchor, new Anchored(value, 1, text.Length, 0, value is JsonValue ? text : null));
                break;
            case AnchorAlias alias:
                var copy = Expand(alias);
                Place(copy.Node, alias, copy.Height);
                break;
            case MappingStart mapping:
                CheckTag(mapping, "map");
                Open(new JsonObject(), mapping.Anchor, mapping);
                break;
            case SequenceStart sequence:
                CheckTag(sequence, "seq");
                Open(new JsonArray(), sequence.Anchor, sequence);
                break;
            case MappingEnd or SequenceEnd:
                // Merged while still open, so that a bad merge is reported where it is (jobs.a).
                Merge(_open.Peek());
                var done = _open.Pop();
                Remember(done.Anchor, new Anchored(done.Node, _values - done.ValuesBefore, _characters - done.CharactersBefore, done.Height, null));
                if (_open.TryPeek(out var parent))
                {
                    parent.Height = Math.Max(parent.Height, done.Height + 1);
                }

                break;
        }
    }

    private void AcceptKey(Frame map, Scalar scalar)
    {
        var key = Checked(scalar.Value, scalar, isKey: true);
        var merge = (scalar.Tag.IsEmpty && scalar.Style == ScalarStyle.Plain && key == "<<") || scalar.Tag == YamlTree.CoreTag + "merge";
        var resolved = merge ? JsonValue.Create(key) : Resolve(scalar, key);
        if (resolved is null)
        {
            throw Error($"a mapping key at {YamlTree.At(scalar)} is null ('{Internal.Printable.Escape(key)}'); quote it if it is a name", located: true);
        }

        Count(1, key.Length, scalar);
        Remember(scalar.Anchor, new Anchored(resolved, 1, key.Length, 0, key));
        SetKey(map, key, scalar, merge);
    }

    private void SetKey(Frame map, string key, ParsingEvent at, bool merge)
    {
        var own = (JsonObject)map.Node;
        if (merge ? map.Merges is not null : own.ContainsKey(key))
        {
            // One of the two would silently win; say so instead.
            throw Error($"duplicate key '{Internal.Printable.Escape(key)}' at {YamlTree.At(at)}", located: true);
        }

        map.Key = key;
        if (merge)
        {
            map.Merges = [];
            map.MergeAt = at;
            map.Merging = true;
        }
    }

    /// <summary>
    /// A scalar's value: by the core schema when it is plain and untagged, as text when quoted or tagged <c>!</c> or
    /// <c>!!str</c>, and by its tag when it has one of the others, which the text must fit.
    /// </summary>
    private JsonNode? Resolve(Scalar scalar, string text)
    {
        var tag = scalar.Tag;
        if (tag.IsEmpty || tag == "?")
        {
            return YamlScalars.Resolve(text, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any);
        }

        if (tag == "!" || tag == YamlTree.CoreTag + "str")
        {
            return JsonValue.Create(text);
        }

        var value = YamlScalars.Resolve(text, plain: true);
        var kind = value is JsonValue v ? v.GetValueKind() : JsonValueKind.Null;
        var (fits, expected) = tag.ToString() switch
        {
            YamlTree.CoreTag + "int" => (value is JsonValue whole && whole.TryGetValue<long>(out _), "a whole number"),
            YamlTree.CoreTag + "float" => (kind == JsonValueKind.Number, "a number"),
            YamlTree.CoreTag + "bool" => (kind is JsonValueKind.True or JsonValueKind.False, "true or false"),
            YamlTree.CoreTag + "null" => (kind == JsonValueKind.Null, "null"),
            _ => throw UnknownTag(scalar, "a value"),
        };
        return fits ? value : throw Error($"the value '{Internal.Printable.Escape(text)}' at {YamlTree.At(scalar)} is tagged {YamlTree.Shown(tag)}, but is not {expected}", located: true);
    }

    /// <summary>A mapping or a list may be tagged only as what it is (<c>!!map</c>, <c>!!seq</c>) or <c>!</c>.</summary>
    private void CheckTag(NodeEvent node, string kind)
    {
        if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && node.Tag != YamlTree.CoreTag + kind)
        {
            throw UnknownTag(node, kind == "map" ? "a mapping" : "a list");
        }
    }

    private Flepimop2ConfigurationException UnknownTag(NodeEvent node, string what) =>
        Error($"the tag {YamlTree.Shown(node.Tag)} at {YamlTree.At(node)} cannot be on {what} of a configuration (a value takes !!str, !!int, !!float, !!bool or !!null, a mapping !!map, a list !!seq)", located: true);

    private void Open(JsonNode node, AnchorName anchor, ParsingEvent at)
    {
        if (_open.Count >= YamlTree.MaxDepth)
        {
            throw Error($"nests deeper than {YamlTree.MaxDepth} levels at line {at.Start.Line}");
        }

        Count(1, 0, at);
        var valuesBefore = _values;
        var name = Segment();
        Place(node, at);
        _open.Push(new Frame(node, anchor.IsEmpty ? null : anchor.Value, valuesBefore - 1, _characters) { Name = name });
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

        if (_open.Count + anchored.Height >= YamlTree.MaxDepth)
        {
            throw Error($"nests deeper than {YamlTree.MaxDepth} levels through alias '*{name}' at line {alias.Start.Line}");
        }

        Count(anchored.Values, anchored.Characters, alias);
        return anchored with { Node = anchored.Node?.DeepClone() };
    }

    /// <summary>
    /// Puts the mappings a mapping's merge key named into it, as YAML 1.1 reads them: their keys first (each from the first
    /// mapping that has it), then the mapping's own, which win over them.
    /// </summary>
    private void Merge(Frame done)
    {
        if (done.Merges is not { } merges)
        {
            return;
        }

        var own = (JsonObject)done.Node;
        var sources = merges.SelectMany(m => m is JsonArray list ? list : [m]).ToList();
        var bad = sources.FindIndex(s => s is not JsonObject);
        if (bad >= 0)
        {
            throw Error($"the merge key '<<' at {YamlTree.At(done.MergeAt!)} takes a mapping or a list of mappings, got {OptionReader.Describe(sources[bad])}", located: true);
        }

        var entries = new List<KeyValuePair<string, JsonNode?>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in sources.Cast<JsonObject>().SelectMany(m => m))
        {
            if (keys.Add(key))
            {
                entries.Add(new(key, own.TryGetPropertyValue(key, out var mine) ? mine : value?.DeepClone()));
            }
        }

        entries.AddRange(own.Where(p => !keys.Contains(p.Key)));
        own.Clear();
        foreach (var (key, value) in entries)
        {
            own[key] = value;
        }
    }

    private void Count(int values, long characters, ParsingEvent at)
    {
        if ((long)_values + values > YamlTree.MaxValues)
        {
            throw Error(
                string.Create(CultureInfo.InvariantCulture, $"holds more than {YamlTree.MaxValues} values once aliases are expanded (at line {at.Start.Line}); a configuration needs far fewer"));
        }

        if (_characters + characters > YamlTree.MaxCharacters)
        {
            throw Error(
                string.Create(CultureInfo.InvariantCulture, $"holds more than {YamlTree.MaxCharacters} characters once aliases are expanded (at line {at.Start.Line}); a configuration needs far fewer"));
        }

        _values += values;
        _characters += characters;
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
            case JsonObject when parent.Merging:
                parent.Merges!.Add(node);
                parent.Merging = false;
                parent.Key = null;
                break;
            case JsonObject map:
                map[parent.Key!] = node;
                parent.Key = null;
                break;
            default:
                throw Error($"unexpected YAML structure at line {at.Start.Line}");
        }
    }

    private void Remember(AnchorName anchor, Anchored anchored)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = anchored;
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

    /// <summary>A problem of the file; <paramref name="located"/> ones also name the entry where the builder is (<c>jobs.a</c>).</summary>
    private Flepimop2ConfigurationException Error(string problem, bool located = false) => new(problem, displayPath, located ? Location() : null);

    private sealed class Frame(JsonNode node, string? anchor, int valuesBefore, long charactersBefore)
    {
        public JsonNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public int ValuesBefore { get; } = valuesBefore;

        public long CharactersBefore { get; } = charactersBefore;

        /// <summary>How many levels the finished children reach below this node.</summary>
        public int Height { get; set; }

        /// <summary>Where this node sits in its parent: <c>.key</c> or <c>[index]</c>; null for the root.</summary>
        public string? Name { get; init; }

        /// <summary>The key read for the next value of a mapping.</summary>
        public string? Key { get; set; }

        /// <summary>What the mapping's merge key (<c>&lt;&lt;</c>) named, once it has one; merged in when the mapping ends.</summary>
        public List<JsonNode?>? Merges { get; set; }

        /// <summary>Where the merge key is, for messages.</summary>
        public ParsingEvent? MergeAt { get; set; }

        /// <summary>Whether the key just read is the merge key, so the next value is merged rather than placed.</summary>
        public bool Merging { get; set; }

        public bool ExpectsKey => Node is JsonObject && Key is null;
    }

    /// <summary>An anchored node, with what an alias of it counts, and its text when it is a scalar a key can be.</summary>
    private sealed record Anchored(JsonNode? Node, int Values, long Characters, int Height, string? KeyText);
}
