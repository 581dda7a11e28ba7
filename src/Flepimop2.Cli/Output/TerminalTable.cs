using System.Globalization;
using System.Text;

namespace Flepimop2.Cli.Output;

/// <summary>A colour of text on a terminal (one of its sixteen, so that the terminal's own theme decides the shade).</summary>
internal enum TerminalColour
{
    /// <summary>The terminal's own foreground.</summary>
    Default,

    /// <summary>Green.</summary>
    Green,

    /// <summary>Red.</summary>
    Red,

    /// <summary>Yellow.</summary>
    Yellow,

    /// <summary>Grey (bright black).</summary>
    Grey,
}

/// <summary>A run of text in one colour; a cell of a <see cref="TerminalTable"/> is a list of them.</summary>
/// <param name="Text">Printable text, on one line (the caller escapes what comes from files).</param>
/// <param name="Colour">Its colour.</param>
internal readonly record struct StyledText(string Text, TerminalColour Colour = TerminalColour.Default)
{
    /// <summary>The text as the terminal is to show it: in its colour when <paramref name="colour"/>, as it is otherwise.</summary>
    public string ToTerminal(bool colour) => !colour || Colour == TerminalColour.Default || Text.Length == 0
        ? Text
        : $"\u001b[{Colour switch { TerminalColour.Green => 32, TerminalColour.Red => 31, TerminalColour.Yellow => 33, _ => 90 }}m{Text}\u001b[0m";
}

/// <summary>A column of a <see cref="TerminalTable"/>.</summary>
/// <param name="Header">Its heading.</param>
/// <param name="Wrap">Whether its cells may be wrapped onto more lines when the table is wider than the terminal.</param>
/// <param name="RightAligned">Whether its cells are aligned to the right.</param>
internal sealed record TerminalColumn(string Header, bool Wrap = false, bool RightAligned = false);

/// <summary>
/// A table drawn with rounded box-drawing borders, a heading row and a line per row (more where a wrapping column is narrowed
/// to fit the terminal), in as little code as <c>job watch</c> needs: a table library was a tenth of the published binary,
/// which every task of a sweep loads to start.
/// </summary>
internal sealed class TerminalTable(IReadOnlyList<TerminalColumn> columns)
{
    private readonly List<IReadOnlyList<StyledText>[]> _rows = [];

    /// <summary>Adds a row: a cell per column, each a list of runs of text.</summary>
    public void AddRow(params IReadOnlyList<StyledText>[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != columns.Count)
        {
            throw new ArgumentException($"a row of {columns.Count} cells was expected, not {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>The table's lines, each at most <paramref name="maxWidth"/> cells wide when the columns that wrap can be narrowed enough.</summary>
    public List<string> Render(int maxWidth, bool colour)
    {
        var widths = new int[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            widths[c] = Math.Max(DisplayWidth(columns[c].Header), _rows.Count == 0 ? 0 : _rows.Max(r => DisplayWidth(Plain(r[c]))));
        }

        Fit(widths, maxWidth);
        var lines = new List<string> { Border('╭', '┬', '╮', widths) };
        lines.AddRange(Row([.. columns.Select(c => (IReadOnlyList<StyledText>)[new StyledText(c.Header)])], widths, colour));
        lines.Add(Border('├', '┼', '┤', widths));
        foreach (var row in _rows)
        {
            lines.AddRange(Row(row, widths, colour));
        }

        lines.Add(Border('╰', '┴', '╯', widths));
        return lines;
    }

    /// <summary>
    /// How many terminal cells <paramref name="text"/> takes: two for a wide East Asian character or an emoji, none for a
    /// combining mark or a format character, one for anything else (a short form of wcwidth, enough for keys and targets).
    /// </summary>
    public static int DisplayWidth(ReadOnlySpan<char> text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += RuneWidth(rune);
        }

        return width;
    }

    private static int RuneWidth(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format)
        {
            return 0;
        }

        return rune.Value is (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0xA4CF) or (>= 0xAC00 and <= 0xD7A3)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0xFE30 and <= 0xFE4F) or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6)
            or (>= 0x1F300 and <= 0x1F64F) or (>= 0x1F900 and <= 0x1F9FF) or (>= 0x20000 and <= 0x3FFFD)
            ? 2
            : 1;
    }

    private static string Plain(IReadOnlyList<StyledText> cell) => string.Concat(cell.Select(s => s.Text));

    /// <summary>Narrows the widest wrapping column a cell at a time until the table fits, or no wrapping column is wider than its heading.</summary>
    private void Fit(int[] widths, int maxWidth)
    {
        // Each column takes a border and a space on either side; the last border closes the row.
        var total = widths.Sum() + (3 * widths.Length) + 1;
        while (total > maxWidth)
        {
            var widest = -1;
            for (var c = 0; c < widths.Length; c++)
            {
                if (columns[c].Wrap && widths[c] > Math.Max(1, DisplayWidth(columns[c].Header)) && (widest < 0 || widths[c] > widths[widest]))
                {
                    widest = c;
                }
            }

            if (widest < 0)
            {
                return;
            }

            widths[widest]--;
            total--;
        }
    }

    private static string Border(char left, char between, char right, int[] widths) =>
        $"{left}{string.Join(between, widths.Select(w => new string('─', w + 2)))}{right}";

    /// <summary>The lines of one row: as many as its tallest cell needs once wrapped.</summary>
    private IEnumerable<string> Row(IReadOnlyList<StyledText>[] cells, int[] widths, bool colour)
    {
        var wrapped = new List<(int Start, int End)>[cells.Length];
        for (var c = 0; c < cells.Length; c++)
        {
            var plain = Plain(cells[c]);
            wrapped[c] = columns[c].Wrap ? Wrap(plain, widths[c]) : [(0, plain.Length)];
        }

        var height = wrapped.Max(w => w.Count);
        for (var line = 0; line < height; line++)
        {
            var text = new StringBuilder("│");
            for (var c = 0; c < cells.Length; c++)
            {
                var (start, end) = line < wrapped[c].Count ? wrapped[c][line] : (0, 0);
                var part = Slice(cells[c], start, end);
                var pad = new string(' ', Math.Max(0, widths[c] - DisplayWidth(Plain(part))));
                text.Append(' ');
                if (columns[c].RightAligned)
                {
                    text.Append(pad);
                }

                foreach (var run in part)
                {
                    text.Append(run.ToTerminal(colour));
                }

                text.Append(columns[c].RightAligned ? string.Empty : pad).Append(" │");
            }

            yield return text.ToString();
        }
    }

    /// <summary>
    /// Where each line of <paramref name="text"/> starts and ends when wrapped at <paramref name="width"/> cells: at the last
    /// space that fits (which the break takes), or within a word longer than a line.
    /// </summary>
    private static List<(int Start, int End)> Wrap(string text, int width)
    {
        var lines = new List<(int Start, int End)>();
        int start = 0, used = 0, space = -1, usedAtSpace = 0;
        for (var i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var length);
            var cells = RuneWidth(rune);
            if (used + cells > width && i > start)
            {
                if (rune.Value == ' ')
                {
                    lines.Add((start, i));
                    (start, used, space) = (i + 1, 0, -1);
                    i++;
                    continue;
                }

                if (space >= start)
                {
                    lines.Add((start, space));
                    (start, used) = (space + 1, used - usedAtSpace - 1);
                }
                else
                {
                    lines.Add((start, i));
                    (start, used) = (i, 0);
                }

                space = -1;
                continue;
            }

            if (rune.Value == ' ')
            {
                (space, usedAtSpace) = (i, used);
            }

            used += cells;
            i += length;
        }

        lines.Add((start, text.Length));
        return lines;
    }

    /// <summary>The runs of <paramref name="cell"/> between two positions of its text.</summary>
    private static List<StyledText> Slice(IReadOnlyList<StyledText> cell, int start, int end)
    {
        var part = new List<StyledText>();
        var at = 0;
        foreach (var run in cell)
        {
            var from = Math.Max(start, at);
            var to = Math.Min(end, at + run.Text.Length);
            if (from < to)
            {
                part.Add(run with { Text = run.Text[(from - at)..(to - at)] });
            }

            at += run.Text.Length;
        }

        return part;
    }
}
