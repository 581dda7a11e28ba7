using System.Buffers;
using System.Globalization;
using System.Text;

namespace Flepimop2.Cli.Output;

/// <summary>
/// A writer for stdout or stderr that prints control characters (escape sequences, carriage returns, bidirectional
/// overrides) as visible escapes (<c>\x1b</c>, <c>\u202e</c>), so nothing read from a file can move the cursor, recolour
/// the terminal or hide a line. Line breaks and tabs pass, since the program's own output is made of lines; the library's
/// display lines already escape the line breaks of the values they hold.
/// </summary>
internal sealed class TerminalWriter(TextWriter inner) : TextWriter
{
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c is not '\n' and not '\t').Select(c => (char)c),
         .. Enumerable.Range(0x7f, 0x21).Select(c => (char)c),
         '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']);

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Text as one line: line breaks and tabs escaped too (a log record).</summary>
    public static string OneLine(string text) =>
        text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    /// <summary>
    /// Text as one plain line for a cell of a table that is drawn with escape codes of its own (so it cannot go through a
    /// <see cref="TerminalWriter"/>): control characters, line breaks, tabs and bidirectional marks written as escapes.
    /// </summary>
    public static string Printable(string text)
    {
        var line = OneLine(text);
        if (!line.AsSpan().ContainsAny(Unsafe))
        {
            return line;
        }

        var escaped = new StringBuilder(line.Length + 8);
        foreach (var c in line)
        {
            escaped.Append(Unsafe.Contains(c) ? Escape(c) : c.ToString());
        }

        return escaped.ToString();
    }

    public override void Write(char value)
    {
        if (Unsafe.Contains(value))
        {
            inner.Write(Escape(value));
        }
        else
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        if (!value.AsSpan().ContainsAny(Unsafe))
        {
            inner.Write(value);
            return;
        }

        foreach (var c in value)
        {
            Write(c);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (!buffer.ContainsAny(Unsafe))
        {
            inner.Write(buffer);
            return;
        }

        foreach (var c in buffer)
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.Write('\n');
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static string Escape(char c) => c switch
    {
        '\r' => "\\r",
        < '\u0100' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
        _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
    };
}
