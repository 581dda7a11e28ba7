using System.Text;
using System.Text.RegularExpressions;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The README is a landing page and the manual (docs/) holds the rest: the README stays small, every relative link of
/// either reaches a file of the repository and, with an anchor, a heading of that page, and every page of the manual is
/// in its table of contents. (docfx checks the manual's links as well when scripts/docs.sh builds it; these run without it.)
/// </summary>
public sealed partial class ManualSpecs
{
    private const int MostReadmeBytes = 10 * 1024;

    private static string Root => SourceTree.Root;

    public static TheoryData<string> Pages() => [.. DocsPages().Prepend("README.md")];

    [Fact]
    public void The_readme_is_a_landing_page_of_at_most_10_KB()
    {
        var size = new FileInfo(Path.Combine(Root, "README.md")).Length;

        Assert.True(size <= MostReadmeBytes, $"README.md is {size} bytes, more than {MostReadmeBytes}: move the detail into docs/");
    }

    [Fact]
    public void The_readme_links_into_the_manual()
    {
        var targets = Links(Manual.Text("README.md")).Select(l => l.Split('#')[0]).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("docs/index.md", targets);
        Assert.All(DocsPages().Where(p => p != "docs/index.md"), page => Assert.Contains(page, targets));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_of_a_page_reaches_a_file_and_its_anchor_a_heading(string page)
    {
        var broken = new List<string>();
        var links = Links(Manual.Text(page)).Where(IsRelative).ToList();

        foreach (var link in links)
        {
            var (path, anchor) = link.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? (link[..hash], link[(hash + 1)..]) : (link, null);
            var target = path.Length == 0 ? page : Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(Root, Path.GetDirectoryName(page)!, path)));
            var full = Path.Combine(Root, target);
            if (target.StartsWith("..", StringComparison.Ordinal) || !(File.Exists(full) || Directory.Exists(full)))
            {
                broken.Add($"{link}: no file {target}");
            }
            else if (anchor is not null && !(target.EndsWith(".md", StringComparison.Ordinal) && Anchors(Manual.Text(target)).Contains(anchor)))
            {
                broken.Add($"{link}: {target} has no heading with the anchor #{anchor}");
            }
        }

        Assert.True(broken.Count == 0, $"{page}:\n" + string.Join('\n', broken));
        Assert.NotEmpty(links);
    }

    [Fact]
    public void Every_page_of_the_manual_is_in_its_table_of_contents_and_every_entry_is_a_page()
    {
        var entries = TocEntries().Where(e => e != "api/").Select(e => "docs/" + e).ToList();

        Assert.Equal(DocsPages().Order(StringComparer.Ordinal), entries.Order(StringComparer.Ordinal));
        Assert.Contains("api/", TocEntries());
    }

    [Theory]
    [InlineData("Reading each other's records", "reading-each-others-records")]
    [InlineData("The script, status and limits", "the-script-status-and-limits")]
    [InlineData("shell runner (`flepimop2.job.shell`)", "shell-runner-flepimop2jobshell")]
    [InlineData("Sweeps on Slurm", "sweeps-on-slurm")]
    public void A_heading_s_anchor_is_made_as_GitHub_and_docfx_make_it(string heading, string anchor) =>
        Assert.Equal(anchor, Anchor(heading));

    [Fact]
    public void A_link_in_code_is_not_taken_for_a_link()
    {
        const string Text = "[a](a.md) and `[b](b.md)`\n```\n[c](c.md)\n```\n[d](d.md#e) <xref:Flepimop2.Jobs>\n";

        Assert.Equal(["a.md", "d.md#e"], Links(Text));
    }

    /// <summary>The manual's pages, as paths from the repository's root: docs/*.md.</summary>
    private static List<string> DocsPages() =>
        [.. Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static List<string> TocEntries() =>
        [.. TocHref().Matches(File.ReadAllText(Path.Combine(Root, "docs", "toc.yml"))).Select(m => m.Groups[1].Value)];

    private static bool IsRelative(string link) =>
        !link.Contains(':', StringComparison.Ordinal) && !link.StartsWith('/');

    /// <summary>The targets of the Markdown links of a page, outside code blocks and code spans.</summary>
    private static List<string> Links(string text) =>
        [.. Prose(text).SelectMany(line => LinkTarget().Matches(CodeSpan().Replace(line, string.Empty)).Select(m => m.Groups[1].Value))];

    /// <summary>The anchors of a page's headings: GitHub's (and docfx's) rule, with -1, -2 after a repeated one.</summary>
    private static HashSet<string> Anchors(string text)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var heading in Prose(text).Select(l => Heading().Match(l)).Where(m => m.Success))
        {
            var anchor = Anchor(heading.Groups[1].Value);
            var count = seen.GetValueOrDefault(anchor);
            seen[anchor] = count + 1;
            anchors.Add(count == 0 ? anchor : $"{anchor}-{count}");
        }

        return anchors;
    }

    /// <summary>Lower case; every character but a letter, a digit, a space, '-' or '_' left out; spaces made '-'.</summary>
    private static string Anchor(string heading)
    {
        var builder = new StringBuilder(heading.Length);
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('-');
            }
        }

        return builder.ToString();
    }

    /// <summary>The lines of a page outside fenced code blocks.</summary>
    private static IEnumerable<string> Prose(string text)
    {
        var inCode = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }
            else if (!inCode)
            {
                yield return line;
            }
        }
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*-?\s*href:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TocHref();
}
