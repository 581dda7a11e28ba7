using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Configuration;

/// <summary>
/// Typed reads of a module's configuration mapping. Each failure names the field and the value,
/// so the caller only adds the file and entry. A field is found by its dashed name (<c>cpus-per-task</c>, as
/// configuration files write it) or its underscored twin (<c>cpus_per_task</c>, as the original stores it).
/// </summary>
internal sealed class OptionReader(JsonObject values)
{
    public JsonObject Values { get; } = values;

    /// <summary>The underscored twin of a dashed option name.</summary>
    public static string Stored(string field) => field.Replace('-', '_');

    public string RequiredString(string field) =>
        OptionalString(field) ?? throw Error(field, "is required");

    public string? OptionalString(string field)
    {
        var node = Get(field);
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            return text.Length == 0 ? throw Error(field, "must not be empty") : text;
        }

        throw Error(field, $"expected a string, got {Describe(node)}");
    }

    public bool Bool(string field, bool fallback)
    {
        var node = Get(field);
        return node switch
        {
            null => fallback,
            JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
            JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
            _ => throw Error(field, $"expected true or false, got {Describe(node)}"),
        };
    }

    public int? PositiveInt(string field)
    {
        var node = Get(field);
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n is >= 1 and <= int.MaxValue ? (int)n : throw Error(field, $"must be a whole number of at least 1, got {n}");
        }

        throw Error(field, $"expected a whole number, got {Describe(node)}");
    }

    /// <summary>A mapping of names to scalar values, each rendered as text.</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string field)
    {
        var node = Get(field);
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject map)
        {
            throw Error(field, $"expected a mapping, got {Describe(node)}");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            result[key] = ScalarText(value) ?? throw Error($"{field}.{key}", $"expected a single value, got {Describe(value)}");
        }

        return result;
    }

    /// <summary>A list of scalars, each rendered as text.</summary>
    public IReadOnlyList<string>? StringList(string field)
    {
        var node = Get(field);
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray list)
        {
            throw Error(field, $"expected a list, got {Describe(node)}");
        }

        var result = new List<string>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            result.Add(ScalarText(list[i]) ?? throw Error($"{field}[{i}]", $"expected a single value, got {Describe(list[i])}"));
        }

        return result;
    }

    /// <summary>A list of lines, or one block of text split into lines.</summary>
    public IReadOnlyList<string> LinesOrBlock(string field)
    {
        var node = Get(field);
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return v.GetValue<string>().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        }

        return StringList(field) ?? [];
    }

    /// <summary>The keys a module does not know (in either spelling), copied, so that they can be written back unchanged.</summary>
    public static JsonObject UnknownKeys(JsonObject configuration, IReadOnlyCollection<string> known)
    {
        var extra = new JsonObject();
        foreach (var (key, value) in configuration)
        {
            if (!known.Contains(key) && !known.Contains(key.Replace('_', '-')))
            {
                extra[key] = value?.DeepClone();
            }
        }

        return extra;
    }

    /// <summary>Writes keys kept by <see cref="UnknownKeys"/> into a configuration being written back.</summary>
    public static JsonObject WithUnknownKeys(JsonObject configuration, JsonObject extra)
    {
        foreach (var (key, value) in extra)
        {
            configuration[key] = value?.DeepClone();
        }

        return configuration;
    }

    public static string? ScalarText(JsonNode? node) => node switch
    {
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        },
        _ => null,
    };

    public static string Describe(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"'{Printable.Escape(v.GetValue<string>())}'",
        _ => $"'{node.ToJsonString()}'",
    };

    public static Flepimop2ConfigurationException Error(string field, string problem) =>
        new(problem, field: field);

    /// <summary>The value of a field under either spelling; both at once is an error, since one would silently win.</summary>
    public JsonNode? Get(string field)
    {
        var stored = Stored(field);
        var hasDashed = Values.TryGetPropertyValue(field, out var dashed);
        if (stored == field || !Values.TryGetPropertyValue(stored, out var underscored))
        {
            return hasDashed ? dashed : null;
        }

        return hasDashed
            ? throw Error(field, $"is given twice, as '{field}' and as '{stored}'; keep one")
            : underscored;
    }
}
