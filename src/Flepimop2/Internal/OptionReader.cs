using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flepimop2.Internal;

/// <summary>
/// Typed reads of a module's configuration mapping. A read that fails records the problem (naming the field and the value)
/// and gives a fallback, so that one pass finds every problem of an entry; <see cref="ThrowIfAny"/> then reports them all at
/// once, and the caller only adds the file and entry. A field is found by its dashed name (<c>cpus-per-task</c>, as
/// configuration files write it) or its underscored twin (<c>cpus_per_task</c>, as the original stores it).
/// </summary>
internal sealed class OptionReader(JsonObject values)
{
    private readonly List<Flepimop2ConfigurationException> _problems = [];

    public JsonObject Values { get; } = values;

    /// <summary>The problems recorded so far.</summary>
    public IReadOnlyList<Flepimop2ConfigurationException> Problems => _problems;

    /// <summary>The underscored twin of a dashed option name.</summary>
    public static string Stored(string field) => field.Replace('-', '_');

    /// <summary>Throws every problem recorded, as one exception, if there is any.</summary>
    /// <param name="more">Problems found elsewhere (a validator's), reported with these.</param>
    public void ThrowIfAny(IEnumerable<Flepimop2ConfigurationException>? more = null)
    {
        var all = _problems.Concat(more ?? []).ToList();
        if (all.Count > 0)
        {
            throw all.Count == 1 ? all[0] : new Flepimop2ConfigurationException(all);
        }
    }

    /// <summary>Throws every problem of <paramref name="problems"/>, as one exception, if there is any.</summary>
    /// <param name="problems">Problems a validator found.</param>
    public static void ThrowAll(IReadOnlyList<Flepimop2ConfigurationException> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count > 0)
        {
            throw problems.Count == 1 ? problems[0] : new Flepimop2ConfigurationException(problems);
        }
    }

    /// <summary>Records a problem and gives a fallback for the value.</summary>
    public T Fail<T>(Flepimop2ConfigurationException problem, T fallback)
    {
        _problems.Add(problem);
        return fallback;
    }

    public string? RequiredString(string field)
    {
        var before = _problems.Count;
        return OptionalString(field) ?? (_problems.Count == before ? Fail<string?>(Flepimop2ConfigurationException.Required(field), null) : null);
    }

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
            return text.Length == 0 ? Fail<string?>(Flepimop2ConfigurationException.Empty(field), null) : text;
        }

        return Fail<string?>(Flepimop2ConfigurationException.WrongType(field, "a string", Describe(node)), null);
    }

    public bool Bool(string field, bool fallback)
    {
        var node = Get(field);
        return node switch
        {
            null => fallback,
            JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
            JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
            _ => Fail(Flepimop2ConfigurationException.WrongType(field, "true or false", Describe(node)), fallback),
        };
    }

    /// <summary>A flag that may be left unset: true, false, or null when the field is absent.</summary>
    public bool? OptionalBool(string field) => Get(field) is null ? null : Bool(field, fallback: false);

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
            return n is >= 1 and <= int.MaxValue ? (int)n : Fail<int?>(Error(field, $"must be a whole number of at least 1, got {n}"), null);
        }

        return Fail<int?>(Flepimop2ConfigurationException.WrongType(field, "a whole number", Describe(node)), null);
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
            return Fail<IReadOnlyDictionary<string, string>?>(Flepimop2ConfigurationException.WrongType(field, "a mapping", Describe(node)), null);
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            if (ScalarText(value) is { } text)
            {
                result[key] = text;
            }
            else
            {
                Fail(Flepimop2ConfigurationException.WrongType($"{field}.{key}", "a single value", Describe(value)), 0);
            }
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
            return Fail<IReadOnlyList<string>?>(Flepimop2ConfigurationException.WrongType(field, "a list", Describe(node)), null);
        }

        var result = new List<string>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (ScalarText(list[i]) is { } text)
            {
                result.Add(text);
            }
            else
            {
                Fail(Flepimop2ConfigurationException.WrongType($"{field}[{i}]", "a single value", Describe(list[i])), 0);
            }
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

    /// <summary>A scalar option given as text or a number (<c>memory: 1024</c>, <c>time: 30</c>), as text; null when absent.</summary>
    /// <param name="field">The option's name.</param>
    /// <param name="expected">What it should be, for the error (<c>a size like 4G</c>).</param>
    public string? Scalar(string field, string expected)
    {
        var node = Get(field);
        return node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number => ScalarText(v),
            _ => Fail<string?>(Flepimop2ConfigurationException.WrongType(field, expected, Describe(node)), null),
        };
    }

    /// <summary>
    /// A mapping of a scheduler tool's option names to values (<c>sbatch-options</c>, <c>qsub-options</c>). A flag is
    /// <c>true</c>, empty, or (as the original stores one) <c>""</c>, and becomes null; <c>false</c> is refused, since the tool
    /// has no way to say it.
    /// </summary>
    /// <param name="field">The option's name.</param>
    /// <param name="tool">The tool, for the errors (<c>sbatch</c>).</param>
    /// <param name="falseAdvice">What to do instead of <c>false</c>, after "leave the key out".</param>
    public Dictionary<string, string?> FlagMap(string field, string tool, string falseAdvice)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (Get(field))
        {
            case null:
                return result;
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    result[key] = value switch
                    {
                        null => null,
                        JsonValue v when v.GetValueKind() == JsonValueKind.True => null,
                        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0 => null,
                        JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number => ScalarText(v),
                        JsonValue v when v.GetValueKind() == JsonValueKind.False => Fail<string?>(
                            new($"false cannot be passed to {tool}; leave '{key}' out{falseAdvice}", field: $"{field}.{key}"),
                            null),
                        _ => Fail<string?>(Flepimop2ConfigurationException.WrongType($"{field}.{key}", "a single value", Describe(value)), null),
                    };
                }

                return result;
            case var other:
                return Fail(Flepimop2ConfigurationException.WrongType(field, $"a mapping of {tool} option names to values", Describe(other)), result);
        }
    }

    /// <summary>The value of a field under either spelling; both at once is recorded as a problem (one would silently win).</summary>
    public JsonNode? Get(string field)
    {
        var stored = Stored(field);
        var hasDashed = Values.TryGetPropertyValue(field, out var dashed);
        if (stored == field || !Values.TryGetPropertyValue(stored, out var underscored))
        {
            return hasDashed ? dashed : null;
        }

        if (hasDashed && !_problems.Any(p => p.Field == field && p.Problem.StartsWith("is given twice", StringComparison.Ordinal)))
        {
            _problems.Add(Flepimop2ConfigurationException.GivenTwice(field, stored));
        }

        return hasDashed ? dashed : underscored;
    }
}
