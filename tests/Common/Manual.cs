using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Flepimop2.Tests.Common;

/// <summary>
/// The manual's pages (<c>docs/*.md</c>) and the README, read by the tests that hold the formats they state to the code that
/// writes them: a test finds a statement by a pattern, and fails, saying what it looked for and where, when the page no
/// longer makes it.
/// </summary>
public static class Manual
{
    private static readonly ConcurrentDictionary<string, string> Pages = new(StringComparer.Ordinal);

    /// <summary>The text of a page, by its path from the repository's root (next to Flepimop2.slnx), such as <c>docs/sweeps.md</c>.</summary>
    public static string Text(string page) =>
        Pages.GetOrAdd(page, p => File.ReadAllText(Path.Combine(SourceTree.Root, p)));

    /// <summary>
    /// The list item of <paramref name="page"/> that starts with <c>- </c><paramref name="start"/>: its prose as one line (wrapped
    /// lines joined by a space), and the lines of its fenced code block, if it has one, without their indentation.
    /// </summary>
    public static (string Prose, IReadOnlyList<string> Code) Item(string page, string start)
    {
        var lines = Text(page).Split('\n');
        var first = Array.FindIndex(lines, l => l.StartsWith("- " + start, StringComparison.Ordinal));
        if (first < 0)
        {
            throw new InvalidOperationException($"{page} has no list item starting '- {start}'");
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
        return match.Success ? match : throw new InvalidOperationException($"the manual no longer says /{pattern}/ in: {text}");
    }
}
