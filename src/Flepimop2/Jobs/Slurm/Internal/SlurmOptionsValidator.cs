using Flepimop2.Internal;
using Flepimop2.Jobs.Batch;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>Checks <see cref="SlurmJobOptions"/>: every problem is gathered, each naming the field and the value.</summary>
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
        ["ignore-pbs"] = "flepimop2 sets it, so that sbatch reads no #PBS or #BSUB line",
        ["wrap"] = "flepimop2 submits a script, which runs the command; put the command in 'job run' or the step",
        ["test-only"] = "sbatch would only check the job and submit nothing; use --dry-run",
        ["wait"] = "flepimop2 follows the job itself; use 'job wait'",
    };

    /// <summary>How the Slurm runner names the options every scheduler runner has: the original's names.</summary>
    public static readonly BatchOptionKeys Keys = new("memory", null, "time", null, "sbatch-directory", "sbatch-options", time => time.ToString());

    /// <summary>The directives sbatch reads in a script.</summary>
    public static readonly IReadOnlyList<string> ScriptDirectives = ["#SBATCH"];

    /// <summary>Every problem of the options, in field order; empty when they are valid.</summary>
    public static List<Flepimop2ConfigurationException> Problems(SlurmJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<Flepimop2ConfigurationException>();
        Count(problems, "cpus-per-task", options.CpusPerTask);
        Count(problems, "nodes", options.Nodes);
        Count(problems, "ntasks", options.Ntasks);
        problems.AddRange(BatchOptionFields.Problems(options, Keys, ScriptDirectives, "the compute node's PATH"));
        SbatchOptions(problems, options.SbatchOptions);
        if (options.Requeue is not null && options.SbatchOptions?.Keys.FirstOrDefault(k => k is "requeue" or "no-requeue") is { } twice)
        {
            // Both would be rendered, and sbatch takes the last directive: say it once.
            problems.Add(Error($"sbatch-options.{twice}", $"requeue is set by the 'requeue' option ({(options.Requeue.Value ? "true" : "false")}); leave '{twice}' out of sbatch-options"));
        }

        if (options.Memory is not null && options.SbatchOptions?.Keys.FirstOrDefault(k => k is "mem-per-cpu" or "mem-per-gpu") is { } perUnit)
        {
            // sbatch refuses --mem with either, and only when the job is submitted.
            problems.Add(Error($"sbatch-options.{perUnit}", $"'{perUnit}' and the 'memory' option (sbatch's --mem) both set the job's memory; keep one"));
        }

        return problems;
    }

    /// <summary>What a sweep cannot have: an output pattern that names the job's own id, which each task gets only when it starts.</summary>
    public static IEnumerable<ValidationIssue> SweepIssues(SlurmJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var key in new[] { "output", "error" })
        {
            if (options.SbatchOptions.GetValueOrDefault(key) is { } pattern && SlurmOutputPattern.NamesOwnId(pattern))
            {
                yield return new ValidationIssue(
                    $"sbatch-options.{key} '{pattern}' names the job's own id (%j), which each task of a sweep gets only when it starts; use %A (the array's id) and %a (the task's index in it)",
                    "invalid_option",
                    new Dictionary<string, string> { [$"sbatch-options.{key}"] = pattern })
                { Field = $"sbatch-options.{key}" };
            }
        }
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
            else if (SbatchDirectives.Abbreviated(key) is { Count: > 0 } full)
            {
                // sbatch reads a long option by any unambiguous abbreviation, so '--job-n' is '--job-name'.
                problems.Add(Error(
                    $"sbatch-options.{key}",
                    $"sbatch reads '{key}' as an abbreviation of {string.Join(" or ", full.Select(f => $"'{f}'"))}, which is reserved ({ReservedAdvice[full[0]]}); the reserved sbatch options are {string.Join(", ", SbatchDirectives.Reserved.Order(StringComparer.Ordinal))}"));
            }
            else if (value is not null && SbatchDirectives.ValueProblem(value) is { } problem)
            {
                problems.Add(Error($"sbatch-options.{key}", $"the value {problem}, got '{Printable.Escape(value)}'"));
            }
        }
    }

    private static Flepimop2ConfigurationException Error(string field, string problem) => new(problem, field: field);
}
