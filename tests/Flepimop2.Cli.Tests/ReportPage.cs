using System.Text.RegularExpressions;

namespace Flepimop2.Cli.Tests;

/// <summary>What the report tests look for in a page: references to anything outside it, and in a screenshot, its rows.</summary>
public static partial class ReportPage
{
    /// <summary>The colour of a task's wait in the queue: every row of the timeline has it, and the legend once; nothing else on the page.</summary>
    public const string Wait = "#f2c14e";

    public const string Successful = "#2f9e44";

    public const string Failed = "#e03131";

    /// <summary>
    /// Everything in the page's markup that could make a browser fetch or run something: an element that loads (script,
    /// link, img, iframe, object, embed, use, image), an attribute that points somewhere (src, href, xlink, an event
    /// handler), a scheme or a protocol-relative <c>//</c> inside a tag, and <c>@import</c> or a <c>url(</c> other than
    /// <c>data:</c> in its style. Text between tags is not markup: a command that mentions a URL stays text.
    /// </summary>
    public static IReadOnlyList<string> ExternalReferences(string html)
    {
        var found = new List<string>();
        foreach (Match tag in Tag().Matches(html))
        {
            if (Loading().IsMatch(tag.Value) || Pointing().IsMatch(tag.Value))
            {
                found.Add(tag.Value);
            }
        }

        foreach (Match style in StyleBlock().Matches(html))
        {
            found.AddRange(Imports().Matches(style.Value).Select(m => m.Value));
        }

        return found;
    }

    /// <summary>
    /// Checks that a screenshot is a drawn page and shows the timeline's rows: many colours and much that is not white, the
    /// given state colours, and one band of the wait colour per row (and one for the legend).
    /// </summary>
    public static void AssertShowsRows(Png shot, int rows, params string[] colours)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var bands = 0;
        var inBand = false;
        for (var y = 0; y < shot.Height; y++)
        {
            var waitHere = false;
            for (var x = 0; x < shot.Width; x++)
            {
                var colour = shot.Colour(x, y);
                counts[colour] = counts.GetValueOrDefault(colour) + 1;
                waitHere |= colour == Wait;
            }

            bands += waitHere && !inBand ? 1 : 0;
            inBand = waitHere;
        }

        var total = shot.Width * shot.Height;
        Assert.True(counts.Count > 20, $"the screenshot has {counts.Count} colours: it is blank");
        Assert.True(total - counts.GetValueOrDefault("#ffffff") > total / 100, "the screenshot is almost all white");
        foreach (var colour in colours)
        {
            Assert.True(counts.GetValueOrDefault(colour) > 20, $"no {colour} in the screenshot: {string.Join(", ", counts.OrderByDescending(c => c.Value).Take(12).Select(c => $"{c.Key}={c.Value}"))}");
        }

        Assert.Equal(rows + 1, bands);
    }

    /// <summary>
    /// Writes the report of an ended sweep with <c>job report</c>, renders it in Chromium, and checks that it names its
    /// backend and its failed task, points nowhere outside itself and shows a row per task. Returns the HTML.
    /// </summary>
    public static async Task<string> CheckSweepReportAsync(TempProject project, string key, string backend, string failedRow, int rows)
    {
        var report = await project.Run("job", "report", key);
        Assert.True(report.ExitCode == 0, report.ToString());
        var shot = await Chromium.ScreenshotAsync(project.Combine($"{key}.report.html"));

        var html = File.ReadAllText(project.Combine($"{key}.report.html"));
        Assert.Empty(ExternalReferences(html));
        Assert.Contains($"<dt>backend</dt><dd>{backend}</dd>", html, StringComparison.Ordinal);
        Assert.Contains(failedRow, html, StringComparison.Ordinal);
        AssertShowsRows(shot, rows, Successful, Failed);
        return html;
    }

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^</?\s*(script|link|img|image|iframe|frame|object|embed|use|audio|video|source|base|form|foreignObject)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Loading();

    [GeneratedRegex(@"\b(src|href|xlink:href|action|formaction|srcset|background|on\w+)\s*=|[a-z]+:\/\/|(?<!<)\/\/|https?:", RegexOptions.IgnoreCase)]
    private static partial Regex Pointing();

    [GeneratedRegex(@"<style[^>]*>.*?</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleBlock();

    [GeneratedRegex(@"@import|url\((?!\s*['""]?data:)", RegexOptions.IgnoreCase)]
    private static partial Regex Imports();
}
