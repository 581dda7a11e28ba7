using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// A decoded PNG of 8-bit RGB or RGBA, enough to look at a headless browser's screenshot pixel by pixel: chunks read, the
/// image data inflated and each scanline's filter undone. Anything else (palettes, 16 bits, interlacing) is refused.
/// </summary>
public sealed class Png
{
    private readonly byte[] _pixels;
    private readonly int _channels;

    private Png(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        _channels = channels;
        _pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The colour at a pixel as <c>#rrggbb</c> (alpha ignored).</summary>
    public string Colour(int x, int y)
    {
        var at = ((y * Width) + x) * _channels;
        return $"#{_pixels[at]:x2}{_pixels[at + 1]:x2}{_pixels[at + 2]:x2}";
    }

    public static Png Read(string path)
    {
        var file = File.ReadAllBytes(path);
        Assert.True(file.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), $"{path} is not a PNG");
        int width = 0, height = 0, channels = 0;
        using var data = new MemoryStream();
        for (var at = 8; at + 8 <= file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = Encoding.ASCII.GetString(file, at + 4, 4);
            var body = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                Assert.True(body[8] == 8 && body[10] == 0 && body[11] == 0 && body[12] == 0, "only 8-bit, non-interlaced PNGs are read");
                channels = body[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG colour type {body[9]} is not read here") };
            }
            else if (type == "IDAT")
            {
                data.Write(body);
            }

            at += 12 + length;
        }

        data.Position = 0;
        using var inflate = new ZLibStream(data, CompressionMode.Decompress);
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        inflate.ReadExactly(raw);
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var up = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0, above = up[i], corner = i >= channels ? up[i - channels] : 0;
                row[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => above,
                    3 => (left + above) / 2,
                    4 => Paeth(left, above, corner),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                });
            }
        }

        return new Png(width, height, channels, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
