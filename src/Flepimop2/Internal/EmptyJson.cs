using System.Collections.ObjectModel;
using System.Text.Json.Nodes;

namespace Flepimop2.Internal;

internal static class EmptyJson
{
    public static readonly IReadOnlyDictionary<string, JsonNode?> Map =
        new ReadOnlyDictionary<string, JsonNode?>(new Dictionary<string, JsonNode?>());
}
