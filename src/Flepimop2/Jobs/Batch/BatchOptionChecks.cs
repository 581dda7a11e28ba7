using Flepimop2.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>Checks every scheduler runner makes of its options, each adding its problems to a list naming the field.</summary>
internal static class BatchOptionChecks
{
    /// <summary>A text option (a path, a program) must not be empty or hold a line break or other control character.</summary>
    public static void Text(List<Flepimop2ConfigurationException> problems, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0)
        {
            problems.Add(new("must not be empty", field: field));
        }
        else if (value.Any(char.IsControl))
        {
            problems.Add(new($"must not contain a newline or other control character, got '{Printable.Escape(value)}'", field: field));
        }
    }

    /// <summary>
    /// Pre- and post-commands are lines of shell text that must not hold a directive the scheduler reads in a script
    /// (<paramref name="directives"/>, such as <c>#SBATCH</c>): the tool would read them as options and bypass the checks
    /// of <paramref name="optionsField"/>.
    /// </summary>
    public static void Commands(List<Flepimop2ConfigurationException> problems, string field, IReadOnlyList<string>? lines, IReadOnlyList<string> directives, string optionsField)
    {
        foreach (var (entry, index) in (lines ?? []).Select((l, i) => (l, i)))
        {
            if (entry is null || entry.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add(new("must be a line of shell text", field: $"{field}[{index}]"));
                continue;
            }

            var found = entry.Split('\n').Select(l => l.TrimStart()).SelectMany(l => directives.Where(d => l.StartsWith(d, StringComparison.Ordinal))).FirstOrDefault();
            if (found is not null)
            {
                problems.Add(new(
                    $"must not hold '{found}' directives, which the scheduler would read as options; put {optionsField.Replace("-options", string.Empty, StringComparison.Ordinal)} options under '{optionsField}', got '{Printable.Escape(entry)}'",
                    field: $"{field}[{index}]"));
            }
        }
    }
}
