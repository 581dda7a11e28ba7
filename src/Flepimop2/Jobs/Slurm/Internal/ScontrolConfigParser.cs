using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>Reads <c>scontrol show config</c>, for what a sweep's submission needs of it: <c>MaxArraySize = 1001</c>.</summary>
internal static class ScontrolConfigParser
{
    /// <summary>Slurm's default, when the configuration does not say.</summary>
    public const int DefaultMaxArraySize = 1001;

    /// <summary>How many tasks one array may have (indices 0 to <c>MaxArraySize - 1</c>).</summary>
    public static int MaxArraySize(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        foreach (var line in SlurmText.Lines(stdout))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && line[..equals].Trim() == "MaxArraySize"
                && int.TryParse(line[(equals + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 1)
            {
                return size;
            }
        }

        return DefaultMaxArraySize;
    }
}
