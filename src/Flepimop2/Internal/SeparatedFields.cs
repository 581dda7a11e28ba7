namespace Flepimop2.Internal;

/// <summary>Fields of a scheduler tool's separated line (<c>sacct -P</c>'s <c>|</c>, Grid Engine's accounting <c>:</c>), read in place.</summary>
internal static class SeparatedFields
{
    /// <summary>Field <paramref name="index"/> (from 0) of <paramref name="line"/>, without copying; empty when the line is shorter.</summary>
    public static ReadOnlySpan<char> At(ReadOnlySpan<char> line, int index, char separator) => Field(line, index, separator);

    /// <summary>Field <paramref name="index"/> (from 0) of a line still in bytes (UTF-8, whose separator bytes are never part of another character).</summary>
    public static ReadOnlySpan<byte> At(ReadOnlySpan<byte> line, int index, byte separator) => Field(line, index, separator);

    private static ReadOnlySpan<T> Field<T>(ReadOnlySpan<T> line, int index, T separator)
        where T : IEquatable<T>
    {
        for (var i = 0; i < index; i++)
        {
            var next = line.IndexOf(separator);
            if (next < 0)
            {
                return [];
            }

            line = line[(next + 1)..];
        }

        var end = line.IndexOf(separator);
        return end < 0 ? line : line[..end];
    }
}
