using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Flepimop2.Configuration;

/// <summary>
/// Builds the JSON tree of a YAML document from the parser's event stream, so that any text is either a configuration or
/// a configuration error naming the file and where: with bounds a hostile file cannot get past (nesting depth; the number
/// of values and of characters, aliases counted as what they copy, so a few hundred bytes of nested aliases cannot expand
/// to gigabytes; no alias to a node that contains it), and with every YAML feature a JSON tree cannot hold refused
/// rather than dropped: a key must be a name (a scalar, or an alias of one; not null, a list or a mapping), a tag must be one
/// of the core schema's and fit its node, and a key may appear once. Merge keys (<c>&lt;&lt;: *base</c>) are read as YAML 1.1
/// and PyYAML read them: the merged mappings' keys first, each taken from the first mapping that has it, then the
/// mapping's own keys, which win. It never recurses, so deep nesting cannot overflow the stack, and it refuses a NUL
/// character, which no argument, environment value or path can carry.
/// </summary>
internal static class YamlTree
{
    /// <summary>Deeper than any configuration needs (a jobs entry's sbatch options sit at depth 4).</summary>
    public const int MaxDepth = 64;

    /// <summary>Values in one file, aliases expanded.</summary>
    public const int MaxValues = 100_000;

    /// <summary>Characters of keys and values in one file, aliases expanded: twice what the largest file can hold.</summary>
    public const long MaxCharacters = 2 * ConfigurationFile.MaxFileBytes;

    internal const string CoreTag = "tag:yaml.org,2002:";

    /// <summary>Builds the tree of the single document in <paramref name="text"/>; null when the file holds no document.</summary>
    /// <exception cref="Flepimop2ConfigurationException">Invalid YAML, more than one document, or a bound passed.</exception>
    public static JsonNode? Build(string text, string displayPath)
    {
        var builder = new YamlTreeBuilder(displayPath);
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

    /// <summary>A tag as a file would write it: <c>!!str</c> for the core schema's, else as it is.</summary>
    internal static string Shown(TagName tag) =>
        Internal.Printable.Escape(tag.ToString() is var text && text.StartsWith(CoreTag, StringComparison.Ordinal) ? "!!" + text[CoreTag.Length..] : text);

    internal static string At(ParsingEvent at) => string.Create(CultureInfo.InvariantCulture, $"line {at.Start.Line}, column {at.Start.Column}");
}
