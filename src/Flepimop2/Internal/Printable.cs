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
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape))
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
    public static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') or '\u200e' or '\u200f';
}
