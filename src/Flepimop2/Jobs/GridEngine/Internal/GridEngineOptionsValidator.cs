using System.Globalization;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>Checks and normalizes <see cref="GridEngineJobOptions"/>: every problem is gathered, each naming the field and the value.</summary>
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
    };

    /// <summary>Every problem of the options; empty when they are valid.</summary>
    public static List<Flepimop2ConfigurationException> Problems(GridEngineJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<Flepimop2ConfigurationException>();
        if (options.Slots is < 1)
        {
            problems.Add(Error("slots", $"must be a whole number of at least 1, got {options.Slots}"));
        }

        if (options.MaxParallel is < 1)
        {
            problems.Add(Error("max-parallel", $"must be a whole number of at least 1, got {options.MaxParallel}"));
        }

        Word(problems, "queue", options.Queue);
        Word(problems, "parallel-environment", options.ParallelEnvironment);
        Word(problems, "project", options.Project);
        BatchOptionChecks.Text(problems, "chdir", options.Chdir);
        if (options.Chdir is { } chdir && chdir.IndexOfAny([':', '$']) >= 0)
        {
            // The output path qsub takes is [host:]path with $JOB_ID and the like expanded, so neither can appear in it.
            problems.Add(Error("chdir", $"must not contain ':' or '$' (the job's output path is made from it, and qsub reads them there), got '{Printable.Escape(chdir)}'"));
        }

        BatchOptionChecks.Text(problems, "script-directory", options.ScriptDirectory);
        BatchOptionChecks.Text(problems, "executable", options.Executable);
        if (options.Executable is { } exe && !exe.Contains('/', StringComparison.Ordinal) && exe.Any(char.IsWhiteSpace))
        {
            problems.Add(Error("executable", $"expected one program (a path, or a name on the node's PATH), got '{Printable.Escape(exe)}'"));
        }

        BatchOptionChecks.Commands(problems, "pre-commands", options.PreCommands, "#$", "qsub-options");
        BatchOptionChecks.Commands(problems, "post-commands", options.PostCommands, "#$", "qsub-options");
        QsubOptions(problems, options.QsubOptions);
        if (options.Memory is not null && !MemoryRequest.TryParse(options.Memory, out _))
        {
            problems.Add(Error("h_vmem", $"expected a size like 4G, 500M or a number of megabytes, got '{Printable.Escape(options.Memory)}'"));
        }

        if (options.Time is not null && !WallTime.TryParse(options.Time, out _))
        {
            problems.Add(Error("h_rt", $"expected a time limit like 30 (minutes), 30:00, 1:30:00, 2-12 or 2-12:00:00, or UNLIMITED, above zero, got '{Printable.Escape(options.Time)}'"));
        }

        return problems;
    }

    /// <summary>The options with memory and time in their normal forms.</summary>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; every problem is in the exception.</exception>
    public static GridEngineJobOptions Normalize(GridEngineJobOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw problems.Count == 1 ? problems[0] : new Flepimop2ConfigurationException(problems);
        }

        return options with
        {
            Memory = options.Memory is null ? null : MemoryRequest.TryParse(options.Memory, out var memory) ? memory.ToString() : null,
            Time = options.Time is null ? null : WallTime.TryParse(options.Time, out var time) ? TimeText(time) : null,
            PreCommands = [.. options.PreCommands ?? []],
            PostCommands = [.. options.PostCommands ?? []],
            QsubOptions = new Dictionary<string, string?>(options.QsubOptions ?? new Dictionary<string, string?>(), StringComparer.Ordinal),
        };
    }

    /// <summary>A time limit as <c>-l h_rt=</c> takes it: <c>H:MM:SS</c> (hours may pass 24), or <c>INFINITY</c>.</summary>
    public static string TimeText(WallTime time) =>
        time.IsUnlimited
            ? "INFINITY"
            : string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds / 3600}:{time.TotalSeconds / 60 % 60:D2}:{time.TotalSeconds % 60:D2}");

    /// <summary>Seconds of an <c>H:MM:SS</c> limit; null for <c>INFINITY</c> or text that is not one.</summary>
    public static long? Seconds(string? limit) =>
        limit is null || !WallTime.TryParse(limit, out var time) || time.IsUnlimited ? null : time.TotalSeconds;

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
            else if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                problems.Add(Error("qsub-options", $"'{Printable.Escape(key)}' is not a qsub option name (letters, digits and '_', like 'm' or 'hold_jid')"));
            }
            else if (Reserved.TryGetValue(key, out var advice))
            {
                problems.Add(Error(
                    $"qsub-options.{key}",
                    $"'{key}' is reserved ({advice}); the reserved qsub options are {string.Join(", ", Reserved.Keys.Order(StringComparer.Ordinal))}"));
            }
            else if (value is not null && value.Any(char.IsControl))
            {
                problems.Add(Error($"qsub-options.{key}", $"the value must not contain a newline or other control character, got '{Printable.Escape(value)}'"));
            }
            else if (key == "l" && value is not null && value.Split(',').Select(r => r.Split('=')[0].Trim()).FirstOrDefault(r => r is "h_rt" or "h_vmem") is { } resource)
            {
                problems.Add(Error("qsub-options.l", $"'{resource}' is set by the '{resource}' option, not in qsub-options.l, got '{Printable.Escape(value)}'"));
            }
        }
    }

    private static Flepimop2ConfigurationException Error(string field, string problem) => new(problem, field: field);
}
