namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>Checks and normalizes <see cref="SlurmJobOptions"/>; the first problem found is thrown, naming the field and value.</summary>
internal static class SlurmOptionsValidator
{
    private static readonly Dictionary<string, string> ReservedAdvice = new(StringComparer.Ordinal)
    {
        ["chdir"] = "use the 'chdir' option",
        ["cpus-per-task"] = "use the 'cpus-per-task' option",
        ["mem"] = "use the 'memory' option",
        ["nodes"] = "use the 'nodes' option",
        ["ntasks"] = "use the 'ntasks' option",
        ["time"] = "use the 'time' option",
        ["comment"] = "flepimop2 writes it",
        ["job-name"] = "flepimop2 writes it",
    };

    /// <exception cref="Flepimop2ConfigurationException">An option is invalid.</exception>
    public static SlurmJobOptions Normalize(SlurmJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Count("cpus-per-task", options.CpusPerTask);
        Count("nodes", options.Nodes);
        Count("ntasks", options.Ntasks);
        Text("chdir", options.Chdir);
        Text("sbatch-directory", options.SbatchDirectory);
        Text("executable", options.Executable);
        if (options.Executable is { } exe && !exe.Contains('/', StringComparison.Ordinal) && exe.Any(char.IsWhiteSpace))
        {
            throw Error("executable", $"expected one program (a path, or a name on the compute node's PATH), got '{exe}'; for a command with arguments, put a wrapper script on PATH");
        }

        Commands("pre-commands", options.PreCommands);
        Commands("post-commands", options.PostCommands);
        SbatchOptions(options.SbatchOptions);

        string? memory = null;
        if (options.Memory is not null)
        {
            memory = SlurmMemory.TryParse(options.Memory, out var parsed)
                ? parsed.ToString()
                : throw Error("memory", $"expected a size like 4G, 500M or a number of megabytes, got '{options.Memory}'");
        }

        string? time = null;
        if (options.Time is not null)
        {
            time = SlurmTime.TryParse(options.Time, out var parsed)
                ? parsed.ToString()
                : throw Error("time", $"expected a Slurm time limit like 30 (minutes), 30:00, 1:30:00, 2-12 or 2-12:00:00, or UNLIMITED, above zero, got '{options.Time}'");
        }

        return options with
        {
            Memory = memory,
            Time = time,
            PreCommands = [.. options.PreCommands ?? []],
            PostCommands = [.. options.PostCommands ?? []],
            SbatchOptions = new Dictionary<string, string?>(options.SbatchOptions ?? new Dictionary<string, string?>(), StringComparer.Ordinal),
        };
    }

    private static void Count(string field, int? value)
    {
        if (value is < 1)
        {
            throw Error(field, $"must be a whole number of at least 1, got {value}");
        }
    }

    private static void Text(string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0)
        {
            throw Error(field, "must not be empty");
        }

        if (value.Any(char.IsControl))
        {
            throw Error(field, $"must not contain a newline or other control character, got '{value.ReplaceLineEndings("\\n")}'");
        }
    }

    private static void Commands(string field, IReadOnlyList<string>? lines)
    {
        foreach (var (entry, index) in (lines ?? []).Select((l, i) => (l, i)))
        {
            if (entry is null || entry.Contains('\0', StringComparison.Ordinal))
            {
                throw Error($"{field}[{index}]", "must be a line of shell text");
            }

            // A directive here would be read by sbatch (it reads directives until the first command) and bypass the checks below.
            if (entry.Split('\n').Any(l => l.TrimStart().StartsWith("#SBATCH", StringComparison.Ordinal)))
            {
                throw Error($"{field}[{index}]", $"must not hold #SBATCH directives; put sbatch options under 'sbatch-options', got '{entry.ReplaceLineEndings("\\n")}'");
            }
        }
    }

    private static void SbatchOptions(IReadOnlyDictionary<string, string?>? options)
    {
        foreach (var (key, value) in options ?? new Dictionary<string, string?>())
        {
            if (key.StartsWith('-'))
            {
                throw Error("sbatch-options", $"write option names without dashes ('{key.TrimStart('-')}', not '{key}')");
            }

            if (!SbatchDirectives.IsOptionName(key))
            {
                throw Error("sbatch-options", $"'{key.ReplaceLineEndings("\\n")}' is not an sbatch option name (letters, digits and dashes, like 'partition' or 'mail-type')");
            }

            if (SbatchDirectives.Reserved.Contains(key))
            {
                throw Error(
                    $"sbatch-options.{key}",
                    $"'{key}' is reserved ({ReservedAdvice[key]}); the reserved sbatch options are {string.Join(", ", SbatchDirectives.Reserved.Order(StringComparer.Ordinal))}");
            }

            if (value is not null && SbatchDirectives.ValueProblem(value) is { } problem)
            {
                throw Error($"sbatch-options.{key}", $"the value {problem}, got '{value.ReplaceLineEndings("\\n")}'");
            }
        }
    }

    private static Flepimop2ConfigurationException Error(string field, string problem) => new(problem, field: field);
}
