using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Flepimop2.Tests.Common;

/// <summary>
/// The repository's README, read by the tests that hold the formats it states to the code that writes them: a test finds a
/// statement by a pattern, and fails, saying what it looked for, when the README no longer makes it.
/// </summary>
public static class Readme
{
    /// <summary>The README's text, found above the test's output directory (next to Flepimop2.slnx).</summary>
    public static string Text { get; } = File.ReadAllText(Path.Combine(SourceTree.Root, "README.md"));

    /// <summary>
    /// The list item that starts with <c>- </c><paramref name="start"/>: its prose as one line (wrapped lines joined by a space),
    /// and the lines of its fenced code block, if it has one, without their indentation.
    /// </summary>
    public static (string Prose, IReadOnlyList<string> Code) Item(string start)
    {
        var lines = Text.Split('\n');
        var first = Array.FindIndex(lines, l => l.StartsWith("- " + start, StringComparison.Ordinal));
        if (first < 0)
        {
            throw new InvalidOperationException($"the README has no list item starting '- {start}'");
        }

        var prose = new List<string> { lines[first][2..] };
        var code = new List<string>();
        var inCode = false;
        for (var i = first + 1; i < lines.Length && lines[i].StartsWith("  ", StringComparison.Ordinal); i++)
        {
            var line = lines[i][2..];
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }
            else if (inCode)
            {
                code.Add(line);
            }
            else
            {
                prose.Add(line.Trim());
            }
        }

        return (string.Join(' ', prose), code);
    }

    /// <summary>The first match of <paramref name="pattern"/> in <paramref name="text"/>; an exception saying what is missing when none.</summary>
    public static Match Find(string text, [StringSyntax(StringSyntaxAttribute.Regex)] string pattern)
    {
        var match = Regex.Match(text, pattern);
        return match.Success ? match : throw new InvalidOperationException($"the README no longer says /{pattern}/ in: {text}");
    }
}
