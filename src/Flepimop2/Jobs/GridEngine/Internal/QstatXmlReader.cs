using System.Globalization;
using System.Text;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>What <see cref="QstatXmlReader.Read"/> stopped at.</summary>
internal enum QstatXmlNode
{
    /// <summary>A start tag (or an empty-element tag, which is followed by its <see cref="End"/>).</summary>
    Start,

    /// <summary>An end tag.</summary>
    End,

    /// <summary>Character data: text with its references replaced, or a CDATA section.</summary>
    Text,
}

/// <summary>
/// Reads the XML <c>qstat -xml</c> prints, node by node, without System.Xml: that reader and what it keeps alive (schema types,
/// and through its URL resolver the HTTP and TLS stacks) were more than a third of the published binary, which every task of a
/// sweep loads to start. It reads elements, attributes (checked and passed over), text with the five named entities and
/// character references, CDATA sections, comments and processing instructions (the declaration among them). A document type
/// declaration, a tag that does not close the element open, text outside the one root element, or an unknown entity is a
/// <see cref="FormatException"/> that says where.
/// </summary>
internal sealed class QstatXmlReader(string xml)
{
    private readonly Stack<string> _open = new();
    private int _position;
    private bool _rootSeen;
    private string? _pendingEnd;
    private string? _text;
    private int _textStart;
    private int _textEnd;

    /// <summary>The node <see cref="Read"/> stopped at.</summary>
    public QstatXmlNode Node { get; private set; }

    /// <summary>The local name (without a prefix) of the element a <see cref="QstatXmlNode.Start"/> or <see cref="QstatXmlNode.End"/> is of.</summary>
    public string LocalName { get; private set; } = string.Empty;

    /// <summary>The character data of a <see cref="QstatXmlNode.Text"/>; made into a string only when asked for, as most of it is the space between tags.</summary>
    public string Text => _text ??= xml[_textStart.._textEnd];

    /// <summary>The depth of the element a <see cref="QstatXmlNode.Start"/> or <see cref="QstatXmlNode.End"/> is of (1 for the root); for a <see cref="QstatXmlNode.Text"/>, that of the element it is in.</summary>
    public int Depth => Node == QstatXmlNode.End ? _open.Count + 1 : _open.Count;

    /// <summary>Moves to the next node; false at the end of a well-formed document.</summary>
    /// <exception cref="FormatException">The text is not well-formed XML, or has a document type declaration.</exception>
    public bool Read()
    {
        if (_pendingEnd is { } empty)
        {
            _pendingEnd = null;
            return End(empty);
        }

        while (_position < xml.Length)
        {
            if (xml[_position] != '<')
            {
                var next = xml.IndexOf('<', _position);
                var end = next < 0 ? xml.Length : next;
                var start = _position;
                _position = end;
                if (_open.Count == 0)
                {
                    if (!xml.AsSpan(start, end - start).IsWhiteSpace())
                    {
                        throw Error("text outside the root element", start);
                    }

                    continue;
                }

                // Text with references is decoded at once, so that a bad one is an error even where the text is never read.
                return Characters(start, end, xml.AsSpan(start, end - start).Contains('&') ? Decode(start, end) : null);
            }

            if (Skip("<!--", "-->") || Skip("<?", "?>"))
            {
                continue;
            }

            if (At("<![CDATA["))
            {
                var start = _position;
                var close = xml.IndexOf("]]>", start, StringComparison.Ordinal);
                if (_open.Count == 0 || close < 0)
                {
                    throw Error(_open.Count == 0 ? "a CDATA section outside the root element" : "a CDATA section that does not end", start);
                }

                _position = close + 3;
                return Characters(start + "<![CDATA[".Length, close, null);
            }

            if (At("<!"))
            {
                throw Error("a document type declaration, which qstat does not print", _position);
            }

            return At("</") ? EndTag() : StartTag();
        }

        if (_open.Count > 0)
        {
            throw Error($"<{_open.Peek()}> is not closed", _position);
        }

        return _rootSeen ? false : throw Error("no root element", _position);
    }

    private bool StartTag()
    {
        var tagStart = _position;
        if (_open.Count == 0 && _rootSeen)
        {
            throw Error("a second root element", tagStart);
        }

        var nameStart = ++_position;
        var name = xml[nameStart..NameEnd()];
        bool empty;
        while (true)
        {
            var spaced = SkipSpace();
            empty = At("/>");
            if (empty || At(">"))
            {
                _position += empty ? 2 : 1;
                break;
            }

            if (!spaced)
            {
                throw Error($"<{name}> has no space before an attribute, or is not closed", _position);
            }

            Attribute(name);
        }

        _rootSeen = true;
        _open.Push(name);
        _pendingEnd = empty ? name : null;
        Node = QstatXmlNode.Start;
        LocalName = Local(name);
        return true;
    }

    private void Attribute(string element)
    {
        NameEnd();
        SkipSpace();
        if (!At("="))
        {
            throw Error($"an attribute of <{element}> has no value", _position);
        }

        _position++;
        SkipSpace();
        var quote = _position < xml.Length ? xml[_position] : '\0';
        var close = quote is '"' or '\'' ? xml.IndexOf(quote, _position + 1) : -1;
        if (close < 0 || xml.AsSpan(_position + 1, close - _position - 1).Contains('<'))
        {
            throw Error($"an attribute value of <{element}> is not quoted", _position);
        }

        // Read for its references' sake only: nothing qstat puts in an attribute is needed.
        Decode(_position + 1, close);
        _position = close + 1;
    }

    private bool EndTag()
    {
        var tagStart = _position;
        var nameStart = _position += 2;
        var name = xml.AsSpan(nameStart, NameEnd() - nameStart);
        SkipSpace();
        if (!At(">"))
        {
            throw Error($"</{name}> is not closed", _position);
        }

        _position++;
        if (_open.Count == 0 || !name.SequenceEqual(_open.Peek()))
        {
            throw Error(_open.Count == 0 ? $"</{name}> closes no element" : $"</{name}> where </{_open.Peek()}> was due", tagStart);
        }

        return End(_open.Peek());
    }

    private bool End(string name)
    {
        _open.Pop();
        Node = QstatXmlNode.End;
        LocalName = Local(name);
        return true;
    }

    private bool Characters(int start, int end, string? decoded)
    {
        Node = QstatXmlNode.Text;
        (_textStart, _textEnd, _text) = (start, end, decoded);
        return true;
    }

    /// <summary>Moves past the element or attribute name at the position; where it ends.</summary>
    private int NameEnd()
    {
        var start = _position;
        while (_position < xml.Length && IsNameChar(xml[_position], _position == start))
        {
            _position++;
        }

        return _position > start ? _position : throw Error("a tag without a name", start);
    }

    /// <summary>
    /// XML's name characters, simplified: ASCII letters, <c>_</c> and <c>:</c>, then also digits, <c>-</c> and <c>.</c>; anything
    /// beyond ASCII is taken (XML allows most of it, and qstat's names are ASCII).
    /// </summary>
    private static bool IsNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c is '_' or ':' || c > '\u007f' || (!first && (char.IsAsciiDigit(c) || c is '-' or '.'));

    private static string Local(string name) => name[(name.LastIndexOf(':') + 1)..];

    /// <summary>The text from <paramref name="start"/> to <paramref name="end"/> with its references replaced.</summary>
    private string Decode(int start, int end)
    {
        var amp = xml.IndexOf('&', start, end - start);
        if (amp < 0)
        {
            return xml[start..end];
        }

        var text = new StringBuilder(end - start);
        var from = start;
        while (amp >= 0)
        {
            var semicolon = xml.IndexOf(';', amp, end - amp);
            if (semicolon < 0)
            {
                throw Error("an '&' that starts no reference", amp);
            }

            text.Append(xml, from, amp - from).Append(Reference(xml.AsSpan(amp + 1, semicolon - amp - 1), amp));
            from = semicolon + 1;
            amp = xml.IndexOf('&', from, end - from);
        }

        return text.Append(xml, from, end - from).ToString();
    }

    private string Reference(ReadOnlySpan<char> name, int at)
    {
        switch (name)
        {
            case "amp": return "&";
            case "lt": return "<";
            case "gt": return ">";
            case "quot": return "\"";
            case "apos": return "'";
        }

        var hex = name.StartsWith("#x");
        var digits = hex ? name[2..] : name.StartsWith("#") ? name[1..] : [];
        if (digits.Length > 0
            && int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            && code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF))
        {
            return char.ConvertFromUtf32(code);
        }

        throw Error($"an unknown reference '&{name};'", at);
    }

    private bool At(string text) => xml.AsSpan(_position).StartsWith(text, StringComparison.Ordinal);

    /// <summary>Moves past a construct from <paramref name="open"/> to <paramref name="close"/> when one starts here.</summary>
    private bool Skip(string open, string close)
    {
        if (!At(open))
        {
            return false;
        }

        var end = xml.IndexOf(close, _position + open.Length, StringComparison.Ordinal);
        _position = end >= 0 ? end + close.Length : throw Error($"a '{open}' without its '{close}'", _position);
        return true;
    }

    private bool SkipSpace()
    {
        var start = _position;
        while (_position < xml.Length && xml[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }

        return _position > start;
    }

    private FormatException Error(string what, int at)
    {
        var before = xml.AsSpan(0, Math.Min(at, xml.Length));
        var line = before.Count('\n') + 1;
        var column = before.Length - before.LastIndexOf('\n');
        return new FormatException(string.Create(CultureInfo.InvariantCulture, $"qstat printed no well-formed XML: {what} (line {line}, column {column})"));
    }
}
