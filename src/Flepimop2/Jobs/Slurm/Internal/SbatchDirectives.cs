using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Writing <c>#SBATCH --key=value</c> lines that sbatch reads back exactly. sbatch splits a directive at blanks, ends it at
/// <c>#</c>, groups with <c>'</c> or <c>"</c>, and drops a backslash before a character; so a value is left bare only when
/// it has none of those, is quoted otherwise, and is refused when no quoting can carry it.
/// </summary>
internal static partial class SbatchDirectives
{
    /// <summary>
    /// Options flepimop2 sets itself, from its own options or the command, and those that would replace the script or
    /// submit nothing (<c>wrap</c>, <c>test-only</c>, <c>wait</c>); <c>sbatch-options</c> may not set them.
    /// </summary>
    public static readonly FrozenSet<string> Reserved =
        new[] { "array", "chdir", "comment", "cpus-per-task", "ignore-pbs", "job-name", "mem", "nodes", "ntasks", "test-only", "time", "wait", "wrap" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The reserved options <paramref name="key"/> is an abbreviation of (sbatch, like getopt, takes a long option by any
    /// prefix that names one option), in name order; empty when it is none.
    /// </summary>
    public static IReadOnlyList<string> Abbreviated(string key) =>
        [.. Reserved.Where(r => r.Length > key.Length && r.StartsWith(key, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>Whether a key looks like an sbatch long option name (without the dashes), for example <c>mail-type</c>.</summary>
    public static bool IsOptionName(string key) => OptionName().IsMatch(key);

    /// <summary>Why a value cannot be written in an <c>#SBATCH</c> line, or <see langword="null"/> when it can.</summary>
    public static string? ValueProblem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Any(char.IsControl))
        {
            return "contains a newline or other control character";
        }

        if (value.Contains('\\', StringComparison.Ordinal))
        {
            return "contains a backslash, which sbatch would drop";
        }

        return value.Contains('\'', StringComparison.Ordinal) && value.Contains('"', StringComparison.Ordinal)
            ? "contains both ' and \", which no #SBATCH quoting can carry"
            : null;
    }

    /// <summary>One directive line; a null value gives a flag (<c>#SBATCH --exclusive</c>).</summary>
    /// <exception cref="ArgumentException">The value cannot be written (check <see cref="ValueProblem"/> first).</exception>
    public static string Line(string key, string? value)
    {
        if (value is null)
        {
            return $"#SBATCH --{key}";
        }

        var problem = ValueProblem(value);
        if (problem is not null)
        {
            throw new ArgumentException($"the value of --{key} {problem}", nameof(value));
        }

        return $"#SBATCH --{key}={Quote(value)}";
    }

    /// <summary>Text for informational directives (job name, comment): every character a directive cannot carry becomes <c>_</c>.</summary>
    public static string Sanitize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) || c is '\\' or '"' ? '_' : c);
        }

        return builder.ToString();
    }

    private static string Quote(string value)
    {
        if (value.Length > 0 && value.All(IsBare))
        {
            return value;
        }

        return value.Contains('"', StringComparison.Ordinal) ? $"'{value}'" : $"\"{value}\"";
    }

    private static bool IsBare(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':' or '=' or '+' or ',' or '@' or '%';

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex OptionName();
}
