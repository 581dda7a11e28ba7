using System.Text;

namespace Flepimop2.Internal;

/// <summary>POSIX shell quoting: a token is left bare only when it has no character a shell would read specially.</summary>
internal static class ShellQuote
{
    public static string Quote(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > 0 && token.All(IsBare))
        {
            return token;
        }

        // Inside single quotes nothing is special except the quote itself, which is closed, escaped and reopened.
        var builder = new StringBuilder(token.Length + 2).Append('\'');
        foreach (var c in token)
        {
            builder.Append(c == '\'' ? "'\\''" : c.ToString());
        }

        return builder.Append('\'').ToString();
    }

    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    private static bool IsBare(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':' or '=' or '+' or ',' or '@' or '%';
}
