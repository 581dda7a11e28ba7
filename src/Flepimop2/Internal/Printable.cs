using System.Buffers;
using System.Globalization;
using System.Text;

namespace Flepimop2.Internal;

/// <summary>
/// Text from files (keys, ids, values, paths) made safe to print on a terminal: control characters (escape sequences,
/// newlines, carriage returns) and the bidirectional overrides that can reorder a line are written as visible escapes
/// (<c>\n</c>, <c>\x1b</c>, <c>\u202e</c>), so no stored value can forge or hide output.
/// </summary>
internal static class Printable
{
    /// <summary>Every character <see cref="Escape"/> rewrites: C0 and C1 controls, DEL, and the bidirectional marks.</summary>
    public static readonly SearchValues<char> Unsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c),
         .. Enumerable.Range(0x7f, 0x21).Select(c => (char)c),
         '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']);

    public static string Escape(string? text)
    {
        // One vectorised scan: a listing escapes one line per job, and nearly none needs it.
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAny(Unsafe))
        {
            return text ?? string.Empty;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case var _ when !NeedsEscape(c): builder.Append(c); break;
                case var _ when c < 0x100: builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether a character is escaped by <see cref="Escape"/>.</summary>
    public static bool NeedsEscape(char c) => Unsafe.Contains(c);
}
