using System.Text;
using Flepimop2.Internal;

namespace Flepimop2.Cli.Output;

/// <summary>
/// A writer for stdout or stderr that prints control characters (escape sequences, carriage returns, bidirectional
/// overrides) as visible escapes, so nothing read from a file can move the cursor, recolour the terminal or hide a line.
/// Line breaks and tabs pass, since the program's own output is made of lines; values that may hold a line break are
/// escaped where they are printed (<see cref="Printable.Escape"/>).
/// </summary>
internal sealed class TerminalWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value is '\n' or '\t' || !Printable.NeedsEscape(value))
        {
            inner.Write(value);
        }
        else
        {
            inner.Write(Printable.Escape(value.ToString()));
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

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

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

    /// <summary>What this writer escapes: <see cref="Printable.Unsafe"/> but line breaks and tabs.</summary>
    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c is not '\n' and not '\t').Select(c => (char)c),
         .. Enumerable.Range(0x7f, 0x21).Select(c => (char)c),
         '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']);
}
