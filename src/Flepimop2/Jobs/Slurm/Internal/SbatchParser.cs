using System.Text.RegularExpressions;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>Reads <c>sbatch --parsable</c>: <c>123</c>, or <c>123;cluster</c> on a multi-cluster setup.</summary>
internal static partial class SbatchParser
{
    /// <summary>The job id and the cluster, or <see langword="null"/> when the output holds no job id.</summary>
    public static (string JobId, string? Cluster)? Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);

        // Warnings may come first; the answer is the last line.
        var line = SlurmText.Lines(stdout).LastOrDefault()?.Trim();
        if (line is null)
        {
            return null;
        }

        var semicolon = line.IndexOf(';', StringComparison.Ordinal);
        var id = semicolon < 0 ? line : line[..semicolon];
        var cluster = semicolon < 0 ? null : line[(semicolon + 1)..].Trim();
        return JobIdPattern().IsMatch(id) ? (id, string.IsNullOrEmpty(cluster) ? null : cluster) : null;
    }

    /// <summary>Whether text is a Slurm job id (<c>123</c>, an array task <c>123_4</c>, a het job part <c>123+1</c>), safe to pass to the tools.</summary>
    public static bool IsJobId(string text) => JobIdPattern().IsMatch(text);

    [GeneratedRegex(@"^[0-9]{1,18}(?:[_+][0-9]{1,9})?$")]
    private static partial Regex JobIdPattern();
}
