using System.Globalization;
using Flepimop2.Internal;
using Flepimop2.Jobs.Batch;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>Checks <see cref="GridEngineJobOptions"/>: every problem is gathered, each naming the field and the value.</summary>
internal static class GridEngineOptionsValidator
{
    /// <summary>The qsub options flepimop2 sets itself, with what to use instead.</summary>
    public static readonly IReadOnlyDictionary<string, string> Reserved = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["N"] = "flepimop2 names the job",
        ["wd"] = "use the 'chdir' option",
        ["cwd"] = "use the 'chdir' option",
        ["o"] = "the output goes to a file flepimop2 names, for 'job logs'",
        ["e"] = "the output goes to a file flepimop2 names, for 'job logs'",
        ["j"] = "the output goes to a file flepimop2 names, for 'job logs'",
        ["S"] = "the script runs in bash",
        ["t"] = "a sweep is submitted as an array job: give several targets or --repeat",
        ["tc"] = "use the 'max-parallel' option",
        ["hold_jid"] = "use --after or --after-any",
        ["q"] = "use the 'queue' option",
        ["pe"] = "use the 'slots' and 'parallel-environment' options",
        ["P"] = "use the 'project' option",
        ["terse"] = "flepimop2 reads the job id from it",
        ["b"] = "flepimop2 submits a script",
        ["sync"] = "flepimop2 follows the job itself",
        ["V"] = "flepimop2 passes the environment",
        ["C"] = "qsub reads '#$' lines anywhere in the script as options, and another prefix would make pre-commands or arguments into options",
        ["@"] = "an options file would bypass these checks; give the options here",
        ["shell"] = "flepimop2 submits a script that bash runs",
        ["clear"] = "it would drop the options flepimop2 sets before it",
        ["verify"] = "qsub would print the job instead of submitting it; use --dry-run",
    };

    /// <summary>How the Grid Engine runner names the options every scheduler runner has: Grid Engine's own names, each also read under the generic one.</summary>
    public static readonly BatchOptionKeys Keys = new("h_vmem", "memory", "h_rt", "time", "script-directory", "qsub-options", TimeText);

    /// <summary>The directives qsub reads in a script: on any line of it, not only before the first command as sbatch does.</summary>
    public static readonly IReadOnlyList<string> ScriptDirectives = ["#$"];

    /// <summary>Every problem of the options; empty when they are valid.</summary>
    public static List<Flepimop2ConfigurationException> Problems(GridEngineJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = BatchOptionFields.Problems(options, Keys, ScriptDirectives, "the node's PATH");
        if (options.Slots is < 1)
        {
            problems.Add(Error("slots", $"must be a whole number of at least 1, got {options.Slots}"));
        }

        Word(problems, "queue", options.Queue);
        Word(problems, "parallel-environment", options.ParallelEnvironment);
        Word(problems, "project", options.Project);
        if (options.Chdir is { } chdir && chdir.IndexOfAny([':', '$']) >= 0)
        {
            // The output path qsub takes is [host:]path with $JOB_ID and the like expanded, so neither can appear in it.
            problems.Add(Error("chdir", $"must not contain ':' or '$' (the job's output path is made from it, and qsub reads them there), got '{Printable.Escape(chdir)}'"));
        }

        QsubOptions(problems, options.QsubOptions);
        return problems;
    }

    /// <summary>A time limit as <c>-l h_rt=</c> takes it: <c>H:MM:SS</c> (hours may pass 24), or <c>INFINITY</c>.</summary>
    public static string TimeText(WallTime time) =>
        time.IsUnlimited
            ? "INFINITY"
            : string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds / 3600}:{time.TotalSeconds / 60 % 60:D2}:{time.TotalSeconds % 60:D2}");

    private static void Word(List<Flepimop2ConfigurationException> problems, string field, string? value)
    {
        if (value is not null && (value.Length == 0 || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || value.StartsWith('-')))
        {
            problems.Add(Error(field, $"must be one name (no spaces, not starting with '-'), got '{Printable.Escape(value)}'"));
        }
    }

    private static void QsubOptions(List<Flepimop2ConfigurationException> problems, IReadOnlyDictionary<string, string?>? options)
    {
        foreach (var (key, value) in options ?? new Dictionary<string, string?>())
        {
            if (key.StartsWith('-'))
            {
                problems.Add(Error("qsub-options", $"write option names without the dash ('{Printable.Escape(key.TrimStart('-'))}', not '{Printable.Escape(key)}')"));
            }
            else if (Reserved.TryGetValue(key, out var advice))
            {
                problems.Add(Error(
                    $"qsub-options.{key}",
                    $"'{key}' is reserved ({advice}); the reserved qsub options are {string.Join(", ", Reserved.Keys.Order(StringComparer.Ordinal))}"));
            }
            else if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                problems.Add(Error("qsub-options", $"'{Printable.Escape(key)}' is not a qsub option name (letters, digits and '_', like 'm' or 'hold_jid')"));
            }
            else if (key == "w" && value is "v" or "p")
            {
                problems.Add(Error("qsub-options.w", $"'w {value}' makes qsub only check the job and submit nothing; use --dry-run, or 'w: e' or 'w: w' to have qsub check it as it submits"));
            }
            else if (value is not null && value.Any(char.IsControl))
            {
                problems.Add(Error($"qsub-options.{key}", $"the value must not contain a newline or other control character, got '{Printable.Escape(value)}'"));
            }
            else if (key == "l" && value is not null && value.Split(',').Select(r => r.Split('=')[0].Trim()).FirstOrDefault(r => r is "h_rt" or "h_vmem") is { } resource)
            {
                var alias = resource == Keys.Memory ? Keys.MemoryAlias : Keys.TimeAlias;
                problems.Add(Error("qsub-options.l", $"'{resource}' is set by the '{resource}' option (or its synonym '{alias}'), not in qsub-options.l; keep one, got '{Printable.Escape(value)}'"));
            }
        }
    }

    private static Flepimop2ConfigurationException Error(string field, string problem) => new(problem, field: field);
}
