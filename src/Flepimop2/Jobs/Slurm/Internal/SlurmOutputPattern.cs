using System.Globalization;
using System.Text;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// sbatch's file name patterns (<c>--output</c>, <c>--error</c>): turns one into the path a job writes, as far as the
/// submitter can know it (<c>%j</c>, <c>%J</c>, <c>%A</c>, <c>%a</c> for an array task, <c>%x</c>, <c>%u</c>, <c>%%</c>);
/// node- and task-specific patterns are left as they are.
/// </summary>
internal static class SlurmOutputPattern
{
    /// <summary>Whether a pattern names the job's own id (<c>%j</c>, <c>%J</c>), which an array task gets only when it starts.</summary>
    public static bool NamesOwnId(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        for (var i = 0; i < pattern.Length - 1; i++)
        {
            if (pattern[i] != '%')
            {
                continue;
            }

            if (pattern[i + 1] == '%')
            {
                // A literal percent sign.
                i++;
                continue;
            }

            var j = i + 1;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
            {
                j++;
            }

            if (j < pattern.Length && pattern[j] is 'j' or 'J')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Escapes <c>%</c> so a literal path (a directory with a <c>%</c> in it) passes through sbatch unchanged.</summary>
    public static string Escape(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    /// <param name="pattern">The pattern.</param>
    /// <param name="jobId">The job's id; for an array task, the array's (<c>%A</c>).</param>
    /// <param name="jobName">The job's name (<c>%x</c>).</param>
    /// <param name="user">The user's name (<c>%u</c>).</param>
    /// <param name="chdir">The job's working directory, which a relative path is taken from.</param>
    /// <param name="arrayIndex">The array task's index (<c>%a</c>); null for a job that is not an array task.</param>
    public static string Expand(string pattern, string jobId, string jobName, string user, string chdir, int? arrayIndex = null)
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
                // An array task's own id (%j) is given when it starts, so it is not known here.
                'j' or 'J' when arrayIndex is null => jobId.PadLeft(Math.Min(width, 10), '0'),
                'A' => jobId.PadLeft(Math.Min(width, 10), '0'),
                'a' when arrayIndex is { } index => index.ToString(CultureInfo.InvariantCulture).PadLeft(Math.Min(width, 10), '0'),
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
