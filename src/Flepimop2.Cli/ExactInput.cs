using System.Collections;
using System.Globalization;
using System.Text;

namespace Flepimop2.Cli;

/// <summary>
/// What reaches a job from outside the configuration file: the command line, the environment and the current directory.
/// .NET decodes each of them as UTF-8 and turns bytes that are not UTF-8 into U+FFFD, so <c>$'\xff'</c> would reach a job
/// as other bytes. Such input is found here, by comparing the decoded text with the bytes the kernel holds
/// (<c>/proc/self/cmdline</c>, <c>/proc/self/environ</c>), and refused: a job gets its input exactly or not at all.
/// Decoding only ever changes text by putting U+FFFD in it, so the bytes are read only when a U+FFFD is there to explain.
/// </summary>
internal static class ExactInput
{
    private const char Replacement = '\uFFFD';

    /// <summary>The longest part of a refused value shown in a message.</summary>
    private const int ShownBytes = 80;

    /// <summary>
    /// The first argument that .NET could not decode exactly, as a message naming its position (1 for the first word after
    /// <c>flepimop2</c>) and its bytes; null when every argument is exact, or when the kernel's copy cannot be read.
    /// </summary>
    public static string? CheckArguments(IReadOnlyList<string> args, string cmdlinePath = "/proc/self/cmdline")
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!args.Any(a => a.Contains(Replacement, StringComparison.Ordinal)) || Entries(cmdlinePath) is not { } raw || raw.Count < args.Count)
        {
            return null;
        }

        // The kernel's copy starts with the program (and, for `dotnet tool.dll`, the host's own words); the arguments end it.
        var offset = raw.Count - args.Count;
        for (var i = 0; i < args.Count; i++)
        {
            if (!Encoding.UTF8.GetBytes(args[i]).AsSpan().SequenceEqual(raw[offset + i]))
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"argument {i + 1} ('{Escape(raw[offset + i])}') is not UTF-8 text, which flepimop2 cannot hold exactly (a job would get other bytes, a path would name another file); give it in UTF-8, or let the job read such bytes from a file");
            }
        }

        return null;
    }

    /// <summary>
    /// The first environment variable whose name or value .NET could not decode exactly, as a message naming it; null when
    /// there is none, or when the kernel's copy cannot be read. A job inherits the environment (Slurm and Grid Engine jobs too).
    /// </summary>
    public static string? CheckEnvironment(string environPath = "/proc/self/environ")
    {
        if (!Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().Any(e => ((string)e.Key + e.Value).Contains(Replacement, StringComparison.Ordinal))
            || Entries(environPath) is not { } raw)
        {
            return null;
        }

        foreach (var entry in raw)
        {
            if (!System.Text.Unicode.Utf8.IsValid(entry))
            {
                return $"an environment variable, '{Escape(entry)}', is not UTF-8 text, which flepimop2 cannot pass on exactly to the job that inherits it; unset it or give it in UTF-8";
            }
        }

        return null;
    }

    /// <summary>
    /// A message when the current directory's path is not UTF-8 (its decoded path names no directory, so every relative path
    /// would lead elsewhere, and a job would start elsewhere); null otherwise.
    /// </summary>
    public static string? CheckCurrentDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return directory.Contains(Replacement, StringComparison.Ordinal) && !Directory.Exists(directory)
            ? $"the path of the current directory ('{directory}') is not UTF-8 text, so flepimop2 cannot name it exactly to a job or a file; run it from a directory whose path is UTF-8"
            : null;
    }

    /// <summary>Bytes as text: UTF-8 as it is, every byte that is not UTF-8 as <c>\xNN</c>; cut after <see cref="ShownBytes"/> bytes.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        var shown = bytes.Length > ShownBytes ? bytes[..ShownBytes] : bytes;
        while (!shown.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(shown, out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
            }
            else
            {
                foreach (var b in shown[..used])
                {
                    text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
                }
            }

            shown = shown[used..];
        }

        return bytes.Length > ShownBytes ? text.Append("...").ToString() : text.ToString();
    }

    /// <summary>The NUL-ended entries of a file of <c>/proc</c>; null when it cannot be read (not Linux, no /proc).</summary>
    private static List<byte[]>? Entries(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var entries = new List<byte[]>();
        var rest = bytes.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)0);
            entries.Add(rest[..(end < 0 ? rest.Length : end)].ToArray());
            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return entries;
    }
}
