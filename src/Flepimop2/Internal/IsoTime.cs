using System.Globalization;

namespace Flepimop2.Internal;

/// <summary>Timestamps as the original writes them: ISO 8601 UTC with <c>Z</c>, microseconds only when non-zero.</summary>
internal static class IsoTime
{
    public static DateTimeOffset Now(TimeProvider clock) => Normalize(clock.GetUtcNow());

    /// <summary>UTC, truncated to the microsecond, so that a write and a read give the same value.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    public static string Format(DateTimeOffset value)
    {
        var utc = Normalize(value);
        return utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    public static string FormatSeconds(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Parses ISO 8601 with <c>Z</c>, an offset, or (as naive times) none, which is taken as UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        if (text is not null && DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var parsed))
        {
            value = Normalize(parsed);
            return true;
        }

        value = default;
        return false;
    }
}
