using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Reads <c>scontrol show config</c>, for what a sweep's submission needs of it (<c>MaxArraySize = 1001</c>) and the
/// controller's version, which comes with it for free (<c>SLURM_VERSION = 22.05.8</c>).
/// </summary>
internal static class ScontrolConfigParser
{
    /// <summary>Slurm's default, when the configuration does not say.</summary>
    public const int DefaultMaxArraySize = 1001;

    /// <summary>How many tasks one array may have (indices 0 to <c>MaxArraySize - 1</c>).</summary>
    public static int MaxArraySize(string stdout) =>
        int.TryParse(Value(stdout, "MaxArraySize"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 1 ? size : DefaultMaxArraySize;

    /// <summary>The controller's version, or null when the configuration does not say it in the usual form.</summary>
    public static SlurmVersion? Version(string stdout) => SlurmVersion.FromNumber(Value(stdout, "SLURM_VERSION"));

    private static string? Value(string stdout, string key)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        foreach (var line in SlurmText.Lines(stdout))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && line[..equals].Trim() == key)
            {
                return line[(equals + 1)..].Trim();
            }
        }

        return null;
    }
}
