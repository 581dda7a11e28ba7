using System.Diagnostics;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c>, installed by scripts/install-test-browser.sh), to look at a report as a person
/// would: a screenshot of the page, with no network and a profile of its own that is removed afterwards.
/// </summary>
public static class Chromium
{
    /// <summary>Renders a local HTML file to a PNG as wide as the report and tall enough for its timeline, and decodes it.</summary>
    public static async Task<Png> ScreenshotAsync(string html, int width = 1000, int height = 1400)
    {
        var program = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        Assert.True(program is not null, "chromium is not installed: run scripts/install-test-browser.sh (as root), as scripts/test.sh does");
        var profile = Directory.CreateTempSubdirectory("flepimop2-chromium-").FullName;
        var png = Path.Combine(profile, "shot.png");
        try
        {
            // timeout(1) bounds the browser itself (and what it starts in its group) below CliRunner's own limit.
            var start = new ProcessStartInfo("timeout")
            {
                ArgumentList =
                {
                    "-k", "5", "90", program!, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                    "--disable-background-networking", "--disable-crash-reporter", "--hide-scrollbars", "--force-device-scale-factor=1",
                    $"--user-data-dir={profile}", $"--screenshot={png}", $"--window-size={width},{height}", new Uri(html).AbsoluteUri,
                },
            };
            var run = await CliRunner.CaptureAsync(start);
            Assert.True(run.ExitCode == 0 && File.Exists(png), $"chromium did not render {html}: {run}");
            return Png.Read(png);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
