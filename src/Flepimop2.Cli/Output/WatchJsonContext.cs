using System.Text.Json.Serialization;

namespace Flepimop2.Cli.Output;

/// <summary>The serializer of <see cref="WatchJsonLine"/>, generated at build time, so it needs no reflection under Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WatchJsonLine))]
internal sealed partial class WatchJsonContext : JsonSerializerContext;
