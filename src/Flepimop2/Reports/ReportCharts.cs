using System.Globalization;
using System.Text;

namespace Flepimop2.Reports;

/// <summary>
/// The usage figures of a report as small SVG charts: for one job a strip of what it used against what it asked for, for a
/// sweep a histogram over its tasks (of use over request where every task has a request, else of the use itself).
/// </summary>
internal static class ReportCharts
{
    private const int Bins = 10;

    /// <summary>One figure against its limit as a strip: <c>peak memory 1.2 GiB of 2 GiB (60 %)</c>.</summary>
    public static string Strip(string what, double used, double? limit, Func<double, string> format)
    {
        const double Width = 420;
        var text = new StringBuilder();
        var caption = limit is { } l
            ? string.Create(CultureInfo.InvariantCulture, $"{what}: {format(used)} of {format(l)} ({Math.Round(100 * used / l)} %)")
            : $"{what}: {format(used)} (no limit recorded)";
        text.Append(CultureInfo.InvariantCulture, $"<svg class=\"strip\" width=\"{Width}\" height=\"34\" role=\"img\" aria-label=\"{ReportText.Html(caption)}\" font-family=\"sans-serif\" font-size=\"11\">");
        text.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"11\">{ReportText.Html(caption)}</text>");
        if (limit is { } max)
        {
            // The limit is the full width; use beyond it runs to the end, in the failure colour.
            var share = Math.Clamp(used / max, 0, 1);
            text.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"16\" width=\"{Width}\" height=\"12\" fill=\"#e9ecef\"/>");
            text.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"16\" width=\"{ReportText.Px(Math.Max(2, share * Width))}\" height=\"12\" fill=\"{(used > max ? ReportText.FailedColour : ReportText.RunningColour)}\"/>");
        }

        return text.Append("</svg>").ToString();
    }

    /// <summary>
    /// A histogram of a sweep's figure: with <paramref name="limits"/> for every value, the share of the limit in tenths and
    /// one bin beyond it; else ten equal bins from zero to the largest value.
    /// </summary>
    public static string Histogram(string what, IReadOnlyList<double> values, IReadOnlyList<double>? limits, Func<double, string> format)
    {
        var counts = new int[Bins + 1];
        string[] labels;
        if (limits is not null)
        {
            for (var i = 0; i < values.Count; i++)
            {
                var share = values[i] / limits[i];
                counts[share > 1 ? Bins : Math.Min(Bins - 1, (int)(share * Bins))]++;
            }

            labels = [.. Enumerable.Range(0, Bins).Select(b => string.Create(CultureInfo.InvariantCulture, $"{b * 10}%")), ">100%"];
        }
        else
        {
            var top = values.Max();
            var width = top > 0 ? top / Bins : 1;
            foreach (var value in values)
            {
                counts[Math.Min(Bins - 1, (int)(value / width))]++;
            }

            labels = [.. Enumerable.Range(0, Bins).Select(b => format(b * width)), string.Empty];
        }

        const double BarWidth = 52;
        const double Height = 90;
        var most = Math.Max(1, counts.Max());
        var caption = limits is not null
            ? $"{what} over its limit, {ReportText.Count(values.Count)} tasks"
            : $"{what}, {ReportText.Count(values.Count)} tasks (no limit recorded; bins from 0 to {format(values.Max())})";
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"histogram\" width=\"{ReportText.Px((Bins + 1) * BarWidth)}\" height=\"{ReportText.Px(Height + 50)}\" role=\"img\" aria-label=\"{ReportText.Html(caption)}\" font-family=\"sans-serif\" font-size=\"10\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"11\" font-size=\"11\">{ReportText.Html(caption)}</text>");
        for (var b = 0; b <= Bins; b++)
        {
            if (limits is null && b == Bins)
            {
                break;
            }

            var h = Height * counts[b] / most;
            var x = b * BarWidth;
            var colour = b == Bins ? ReportText.FailedColour : ReportText.RunningColour;
            svg.Append(CultureInfo.InvariantCulture, $"<g><title>{ReportText.Html(labels[b])}: {counts[b]} tasks</title>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{ReportText.Px(x + 2)}\" y=\"{ReportText.Px(20 + Height - h)}\" width=\"{ReportText.Px(BarWidth - 4)}\" height=\"{ReportText.Px(Math.Max(h, counts[b] > 0 ? 1 : 0))}\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{ReportText.Px(x + (BarWidth / 2))}\" y=\"{ReportText.Px(20 + Height + 12)}\" text-anchor=\"middle\">{ReportText.Html(labels[b])}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{ReportText.Px(x + (BarWidth / 2))}\" y=\"{ReportText.Px(20 + Height + 24)}\" text-anchor=\"middle\" fill=\"#555555\">{counts[b]}</text></g>");
        }

        return svg.Append("</svg>").ToString();
    }
}
