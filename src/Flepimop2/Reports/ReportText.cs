using System.Globalization;
using System.Net;
using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Reports;

/// <summary>Text for a report: every piece of outside text escaped for HTML, figures and times in fixed, culture-free forms.</summary>
internal static class ReportText
{
    /// <summary>
    /// Text from a record or a user (a key, a command, a reason, a configuration value) as inert HTML text: control characters
    /// written as escapes, then <c>&lt; &gt; &amp; " '</c> as entities, so it can stand in an element or a quoted attribute.
    /// </summary>
    public static string Html(string? text) => WebUtility.HtmlEncode(Printable.Escape(text ?? string.Empty));

    /// <summary>A time in UTC to the second, <c>2026-12-05 23:57:17</c>, whatever the machine's zone and culture.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A byte count with a binary unit: <c>512 B</c>, <c>1.5 MiB</c>, <c>12 GiB</c>.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(unit == 0 || bytes >= 100 ? Math.Round(bytes) : Math.Round(bytes, 1))} {units[unit]}");
    }

    /// <summary>A length of time: <c>0.4 s</c>, <c>42 s</c>, <c>3 min 05 s</c>, <c>2 h 10 min</c>, <c>3 d 4 h</c>.</summary>
    public static string Duration(double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        var whole = (long)Math.Round(seconds);
        return seconds switch
        {
            < 10 => string.Create(inv, $"{Math.Round(seconds, 1)} s"),
            < 60 => string.Create(inv, $"{whole} s"),
            < 3600 => string.Create(inv, $"{whole / 60} min {whole % 60:00} s"),
            < 86_400 => string.Create(inv, $"{whole / 3600} h {whole % 3600 / 60:00} min"),
            _ => string.Create(inv, $"{whole / 86_400} d {whole % 86_400 / 3600} h"),
        };
    }

    /// <summary>A number for an SVG attribute: invariant, at most one decimal.</summary>
    public static string Px(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>A whole number for text.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The colour a status is drawn in: a task's run, and its end state (one colour each, as the legend says).</summary>
    public static string Colour(JobStatus status) => status switch
    {
        JobStatus.Successful => SuccessfulColour,
        JobStatus.Failed => FailedColour,
        JobStatus.FinishedUnknown => UnknownColour,
        JobStatus.Running => RunningColour,
        _ => WaitColour,
    };

    /// <summary>Waiting in the queue (also a task still pending).</summary>
    public const string WaitColour = "#f2c14e";

    /// <summary>Running now.</summary>
    public const string RunningColour = "#3b7dd8";

    /// <summary>Ran and succeeded.</summary>
    public const string SuccessfulColour = "#2f9e44";

    /// <summary>Ran and failed.</summary>
    public const string FailedColour = "#e03131";

    /// <summary>Ended in a way that cannot be known.</summary>
    public const string UnknownColour = "#9c36b5";
}
