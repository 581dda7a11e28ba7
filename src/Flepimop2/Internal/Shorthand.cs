using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flepimop2.Internal;

/// <summary>Parses shorthand module text <c>name(key=value, ...)</c> into a configuration mapping.</summary>
internal static partial class Shorthand
{
    public static JsonObject Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            throw new Flepimop2ConfigurationException(
                $"shorthand module configuration must have the form 'module_name(key=value, ...)', got '{text}'");
        }

        var result = new JsonObject { ["module"] = match.Groups["module"].Value };
        foreach (var part in SplitArguments(match.Groups["args"].Value, text))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? string.Empty : part[..eq].Trim();
            if (eq < 0 || !KeyPattern().IsMatch(key))
            {
                throw new Flepimop2ConfigurationException($"shorthand argument '{part.Trim()}' must have the form key=value, in '{text}'");
            }

            if (result.ContainsKey(key))
            {
                throw new Flepimop2ConfigurationException($"shorthand argument '{key}' is given twice, in '{text}'");
            }

            result[key] = Value(part[(eq + 1)..].Trim());
        }

        return result;
    }

    private static JsonNode? Value(string raw) =>
        raw.Length >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[^1] == raw[0]
            ? JsonValue.Create(raw[1..^1])
            : YamlScalars.Resolve(raw, plain: true);

    private static List<string> SplitArguments(string args, string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        foreach (var c in args)
        {
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
                current.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                current.Append(c);
            }
            else if (c == ',')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quote != '\0')
        {
            throw new Flepimop2ConfigurationException($"shorthand module configuration has an unclosed quote: '{text}'");
        }

        parts.Add(current.ToString());
        return parts.Where(p => p.Trim().Length > 0).ToList();
    }

    [GeneratedRegex(@"^\s*(?<module>[A-Za-z_][A-Za-z0-9_.]*)\((?<args>.*)\)\s*$", RegexOptions.Singleline)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex KeyPattern();
}
