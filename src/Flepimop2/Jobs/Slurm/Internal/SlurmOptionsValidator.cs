using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>Checks and normalizes <see cref="SlurmJobOptions"/>: every problem is gathered, each naming the field and the value.</summary>
internal static class SlurmOptionsValidator
{
    private static readonly Dictionary<string, string> ReservedAdvice = new(StringComparer.Ordinal)
    {
        ["array"] = "a sweep is submitted as job arrays: give several targets or --repeat",
        ["chdir"] = "use the 'chdir' option",
        ["cpus-per-task"] = "use the 'cpus-per-task' option",
        ["mem"] = "use the 'memory' option",
        ["nodes"] = "use the 'nodes' option",
        ["ntasks"] = "use the 'ntasks' option",
        ["time"] = "use the 'time' option",
        ["comment"] = "flepimop2 writes it",
        ["job-name"] = "flepimop2 writes it",
    };

    /// <summary>Every problem of the options, in field order; empty when they are valid.</summary>
    public static List<Flepimop2ConfigurationException> Problems(SlurmJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<Flepimop2ConfigurationException>();
        Count(problems, "cpus-per-task", options.CpusPerTask);
        Count(problems, "nodes", options.Nodes);
        Count(problems, "ntasks", options.Ntasks);
        BatchOptionChecks.Text(problems, "chdir", options.Chdir);
        BatchOptionChecks.Text(problems, "sbatch-directory", options.SbatchDirectory);
        BatchOptionChecks.Text(problems, "executable", options.Executable);
        if (options.Executable is { } exe && !exe.Contains('/', StringComparison.Ordinal) && exe.Any(char.IsWhiteSpace))
        {
            problems.Add(Error("executable", $"expected one program (a path, or a name on the compute node's PATH), got '{exe}'; for a command with arguments, put a wrapper script on PATH"));
        }

        BatchOptionChecks.Commands(problems, "pre-commands", options.PreCommands, "#SBATCH", "sbatch-options");
        BatchOptionChecks.Commands(problems, "post-commands", options.PostCommands, "#SBATCH", "sbatch-options");
        SbatchOptions(problems, options.SbatchOptions);
        if (options.Requeue is not null && options.SbatchOptions?.Keys.FirstOrDefault(k => k is "requeue" or "no-requeue") is { } twice)
        {
            // Both would be rendered, and sbatch takes the last directive: say it once.
            problems.Add(Error($"sbatch-options.{twice}", $"requeue is set by the 'requeue' option ({(options.Requeue.Value ? "true" : "false")}); leave '{twice}' out of sbatch-options"));
        }

        if (options.Memory is not null && !MemoryRequest.TryParse(options.Memory, out _))
        {
            problems.Add(Error("memory", $"expected a size like 4G, 500M or a number of megabytes, got '{Printable.Escape(options.Memory)}'"));
        }

        if (options.Time is not null && !WallTime.TryParse(options.Time, out _))
        {
            problems.Add(Error("time", $"expected a Slurm time limit like 30 (minutes), 30:00, 1:30:00, 2-12 or 2-12:00:00, or UNLIMITED, above zero, got '{Printable.Escape(options.Time)}'"));
        }

        return problems;
    }

    /// <summary>The options with memory and time in their normal forms.</summary>
    /// <exception cref="Flepimop2ConfigurationException">An option is invalid; every problem is in the exception, one line each.</exception>
    public static SlurmJobOptions Normalize(SlurmJobOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw problems.Count == 1 ? problems[0] : new Flepimop2ConfigurationException(problems);
        }

        return options with
        {
            Memory = options.Memory is null ? null : MemoryRequest.TryParse(options.Memory, out var memory) ? memory.ToString() : null,
            Time = options.Time is null ? null : WallTime.TryParse(options.Time, out var time) ? time.ToString() : null,
            PreCommands = [.. options.PreCommands ?? []],
            PostCommands = [.. options.PostCommands ?? []],
            SbatchOptions = new Dictionary<string, string?>(options.SbatchOptions ?? new Dictionary<string, string?>(), StringComparer.Ordinal),
        };
    }

    private static void Count(List<Flepimop2ConfigurationException> problems, string field, int? value)
    {
        if (value is < 1)
        {
            problems.Add(Error(field, $"must be a whole number of at least 1, got {value}"));
        }
    }

    private static void SbatchOptions(List<Flepimop2ConfigurationException> problems, IReadOnlyDictionary<string, string?>? options)
    {
        foreach (var (key, value) in options ?? new Dictionary<string, string?>())
        {
            if (key.StartsWith('-'))
            {
                problems.Add(Error("sbatch-options", $"write option names without dashes ('{Printable.Escape(key.TrimStart('-'))}', not '{Printable.Escape(key)}')"));
            }
            else if (!SbatchDirectives.IsOptionName(key))
            {
                problems.Add(Error("sbatch-options", $"'{Printable.Escape(key)}' is not an sbatch option name (letters, digits and dashes, like 'partition' or 'mail-type')"));
            }
            else if (SbatchDirectives.Reserved.Contains(key))
            {
                problems.Add(Error(
                    $"sbatch-options.{key}",
                    $"'{key}' is reserved ({ReservedAdvice[key]}); the reserved sbatch options are {string.Join(", ", SbatchDirectives.Reserved.Order(StringComparer.Ordinal))}"));
            }
            else if (value is not null && SbatchDirectives.ValueProblem(value) is { } problem)
            {
                problems.Add(Error($"sbatch-options.{key}", $"the value {problem}, got '{Printable.Escape(value)}'"));
            }
        }
    }

    private static Flepimop2ConfigurationException Error(string field, string problem) => new(problem, field: field);
}
