using System.Globalization;
using System.Text;

namespace Flepimop2.Cli.Output;

/// <summary>
/// Lines kept redrawn in place on a terminal: each frame moves the cursor back up over the one before and writes over it,
/// clearing what the old frame had beyond the new one. A frame taller than the terminal is cut, with <c>…</c> as its last line,
/// as the cursor cannot go back above the top of the screen, and a line wider than the terminal is cut at its edge, as one
/// the terminal wrapped would take two lines. Disposing leaves the last frame on screen and the cursor after it.
/// </summary>
internal sealed class LiveFrame : IDisposable
{
    private const string Escape = "\u001b[";
    private readonly TextWriter _terminal;
    private int _shown;
    private bool _ended;

    /// <summary>Starts a live frame on <paramref name="terminal"/>, hiding the cursor while it lasts.</summary>
    public LiveFrame(TextWriter terminal)
    {
        _terminal = terminal;
        _terminal.Write($"{Escape}?25l");
        _terminal.Flush();
    }

    /// <summary>The terminal's width in cells, 80 when it cannot be told.</summary>
    public static int Width => Size(() => Console.WindowWidth, 80);

    /// <summary>The terminal's height in lines, 24 when it cannot be told.</summary>
    public static int Height => Size(() => Console.WindowHeight, 24);

    /// <summary>Draws <paramref name="lines"/> over the frame before, keeping to <paramref name="width"/> cells and <paramref name="height"/> lines.</summary>
    public void Show(IReadOnlyList<string> lines, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(lines);
        // One line is left free: a frame that fills the screen would scroll it when the cursor ends below it.
        var room = Math.Max(1, height - 1);
        IReadOnlyList<string> shown = lines.Count <= room ? lines : [.. lines.Take(room - 1), "…"];
        var frame = new StringBuilder("\r");
        if (_shown > 1)
        {
            frame.Append(CultureInfo.InvariantCulture, $"{Escape}{_shown - 1}A");
        }

        for (var i = 0; i < shown.Count; i++)
        {
            frame.Append(Crop(shown[i], width)).Append(i < shown.Count - 1 ? $"{Escape}K\n" : $"{Escape}J");
        }

        _terminal.Write(frame.ToString());
        _terminal.Flush();
        _shown = shown.Count;
    }

    /// <summary>Leaves the last frame on screen, the cursor on the line after it and shown again.</summary>
    public void Dispose()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _terminal.Write($"{(_shown > 0 ? "\n" : string.Empty)}{Escape}?25h");
        _terminal.Flush();
    }

    /// <summary>
    /// The line cut to <paramref name="width"/> cells: control sequences (<c>ESC [ … letter</c>) pass and take none, and a cut
    /// line ends with a reset so that its colour does not run on.
    /// </summary>
    private static string Crop(string line, int width)
    {
        var used = 0;
        for (var i = 0; i < line.Length;)
        {
            if (line[i] == '\u001b' && i + 1 < line.Length && line[i + 1] == '[')
            {
                var end = i + 2;
                while (end < line.Length && line[end] is < '@' or > '~')
                {
                    end++;
                }

                i = end + 1;
                continue;
            }

            Rune.DecodeFromUtf16(line.AsSpan(i), out _, out var length);
            used += TerminalTable.DisplayWidth(line.AsSpan(i, length));
            if (used > width)
            {
                return $"{line[..i]}{Escape}0m";
            }

            i += length;
        }

        return line;
    }

    private static int Size(Func<int> read, int fallback)
    {
        try
        {
            return read() is var size and > 0 ? size : fallback;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException)
        {
            return fallback;
        }
    }
}
