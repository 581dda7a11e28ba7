using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flepimop2.Internal;

/// <summary>Reads JSON values as plain text or numbers without reflection.</summary>
internal static class JsonText
{
    /// <summary>A string or number as text; other kinds give <see langword="null"/>.</summary>
    public static string? Of(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static long? Int64(JsonNode? node)
    {
        var text = Of(node);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Renders a value for one line of human output: strings bare, everything else as compact JSON.</summary>
    public static string Display(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
