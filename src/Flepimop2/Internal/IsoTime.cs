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

    /// <summary><c>yyyy-MM-ddTHH:mm:ss</c> in UTC, written digit by digit: one per listed job, so it is kept cheap.</summary>
    public static string FormatSeconds(DateTimeOffset value) => string.Create(19, value, static (span, v) => FormatSeconds(v, span));

    /// <summary>Writes <c>yyyy-MM-ddTHH:mm:ss</c> (19 characters) into <paramref name="span"/>, allocating nothing.</summary>
    public static void FormatSeconds(DateTimeOffset value, Span<char> span)
    {
        var t = value.UtcDateTime;
        {
            Write(span[..4], t.Year);
            span[4] = '-';
            Write(span.Slice(5, 2), t.Month);
            span[7] = '-';
            Write(span.Slice(8, 2), t.Day);
            span[10] = 'T';
            Write(span.Slice(11, 2), t.Hour);
            span[13] = ':';
            Write(span.Slice(14, 2), t.Minute);
            span[16] = ':';
            Write(span.Slice(17, 2), t.Second);
        }

        static void Write(Span<char> target, int number)
        {
            for (var i = target.Length - 1; i >= 0; i--)
            {
                target[i] = (char)('0' + (number % 10));
                number /= 10;
            }
        }
    }

    /// <summary>Parses ISO 8601 with <c>Z</c>, an offset, or (as naive times) none, which is taken as UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value) =>
        TryParse(text.AsSpan(), out value) || TryParseGeneral(text, out value);

    /// <summary>The fast path of <see cref="TryParse(ReadOnlySpan{char}, out DateTimeOffset)"/> on UTF-8 text, as a JSON reader holds it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTimeOffset value)
    {
        value = default;
        if (utf8.Length is < 20 or > 32)
        {
            return false;
        }

        Span<char> text = stackalloc char[utf8.Length];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] > 0x7F)
            {
                return false;
            }

            text[i] = (char)utf8[i];
        }

        return TryParse((ReadOnlySpan<char>)text, out value);
    }

    /// <summary>
    /// The fast path for the form both programs write, <c>yyyy-MM-ddTHH:mm:ss[.f...]Z</c>: listing a large store parses
    /// one timestamp per job, and the general parser costs several times more.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 20 || text[^1] != 'Z' || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)
            || !Digits(text.Slice(11, 2), out var hour) || !Digits(text.Slice(14, 2), out var minute) || !Digits(text.Slice(17, 2), out var second))
        {
            return false;
        }

        long ticks = 0;
        var fraction = text[19..^1];
        if (fraction.Length > 0)
        {
            if (fraction[0] != '.' || fraction.Length < 2 || fraction.Length > 8 || !Digits(fraction[1..], out var digits))
            {
                return false;
            }

            ticks = digits;
            for (var i = fraction.Length - 1; i < 7; i++)
            {
                ticks *= 10;
            }
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 1 : year, month) || year == 0
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = Normalize(new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks)));
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int number)
    {
        number = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = (number * 10) + (c - '0');
        }

        return true;
    }

    private static bool TryParseGeneral(string? text, out DateTimeOffset value)
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
