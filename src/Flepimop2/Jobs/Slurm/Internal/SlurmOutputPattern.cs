using System.Globalization;
using System.Text;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// sbatch's file name patterns (<c>--output</c>, <c>--error</c>): turns one into the path a job writes, as far as the
/// submitter can know it (<c>%j</c>, <c>%J</c>, <c>%A</c>, <c>%x</c>, <c>%u</c>, <c>%%</c>); node- and task-specific
/// patterns are left as they are.
/// </summary>
internal static class SlurmOutputPattern
{
    /// <summary>Escapes <c>%</c> so a literal path (a directory with a <c>%</c> in it) passes through sbatch unchanged.</summary>
    public static string Escape(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    public static string Expand(string pattern, string jobId, string jobName, string user, string chdir)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var builder = new StringBuilder(pattern.Length + 16);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%' || i + 1 >= pattern.Length)
            {
                builder.Append(pattern[i]);
                continue;
            }

            // sbatch allows a zero-padding width between % and the letter (%10j); it is applied to the id only.
            var j = i + 1;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
            {
                j++;
            }

            var width = j > i + 1 ? int.Parse(pattern.AsSpan(i + 1, j - i - 1), CultureInfo.InvariantCulture) : 0;
            var letter = j < pattern.Length ? pattern[j] : '\0';
            string? replacement = letter switch
            {
                '%' when width == 0 => "%",
                'j' or 'J' or 'A' => jobId.PadLeft(Math.Min(width, 10), '0'),
                'x' => jobName,
                'u' => user,
                _ => null,
            };
            if (replacement is null)
            {
                builder.Append(pattern[i]);
                continue;
            }

            builder.Append(replacement);
            i = j;
        }

        return Path.GetFullPath(builder.ToString(), chdir);
    }
}
