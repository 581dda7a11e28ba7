using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// The options every scheduler runner has (<see cref="BatchJobOptions"/>), read from a configuration entry, checked and
/// written back once for all of them. Memory and time are parsed when read, so a runner holds them typed and never parses
/// them again.
/// </summary>
internal static class BatchOptionFields
{
    /// <summary>The keys <see cref="Read"/> knows, in both spellings.</summary>
    public static IEnumerable<string> Known(BatchOptionKeys keys) =>
        new[] { "module", "options", keys.Memory, keys.MemoryAlias, keys.Time, keys.TimeAlias, keys.ScriptDirectory, keys.ToolOptions, "chdir", "debug", "pre-commands", "post-commands", "executable", "max-parallel", "tasks-per-job" }
            .OfType<string>();

    /// <summary><paramref name="options"/> with the shared fields read from the entry; every problem goes to the reader.</summary>
    public static T Read<T>(OptionReader reader, T options, BatchOptionKeys keys)
        where T : BatchJobOptions
    {
        var memoryKey = Synonym(reader, keys.Memory, keys.MemoryAlias);
        var timeKey = Synonym(reader, keys.Time, keys.TimeAlias);
        var memoryText = reader.Scalar(memoryKey, "a size like 4G, 500M or a number of megabytes");
        var timeText = reader.Scalar(timeKey, "a time limit like 30 (minutes), 1:30:00 or 2-12:00:00");
        MemoryRequest? memory = null;
        if (memoryText is not null)
        {
            memory = MemoryRequest.TryParse(memoryText, out var parsed) ? parsed
                : reader.Fail<MemoryRequest?>(OptionReader.Error(memoryKey, $"expected a size like 4G, 500M or a number of megabytes, got '{Printable.Escape(memoryText)}'"), null);
        }

        WallTime? time = null;
        if (timeText is not null)
        {
            time = WallTime.TryParse(timeText, out var parsed) ? parsed
                : reader.Fail<WallTime?>(OptionReader.Error(timeKey, $"expected a time limit like 30 (minutes), 30:00, 1:30:00, 2-12 or 2-12:00:00, or UNLIMITED, above zero, got '{Printable.Escape(timeText)}'"), null);
        }

        return (T)((BatchJobOptions)options with
        {
            Memory = memory,
            Time = time,
            Chdir = reader.OptionalString("chdir"),
            Debug = reader.Bool("debug", fallback: false),
            PreCommands = reader.LinesOrBlock("pre-commands"),
            PostCommands = reader.LinesOrBlock("post-commands"),
            ScriptDirectory = reader.OptionalString(keys.ScriptDirectory),
            Executable = reader.OptionalString("executable"),
            MaxParallel = reader.PositiveInt("max-parallel"),
            TasksPerJob = reader.PositiveInt("tasks-per-job"),
        });
    }

    /// <summary>Writes the shared fields into a stored configuration, under the names the original writes (underscores).</summary>
    public static void Write(JsonObject config, BatchJobOptions options, BatchOptionKeys keys)
    {
        config[OptionReader.Stored(keys.Memory)] = options.Memory?.ToString();
        config[OptionReader.Stored(keys.Time)] = options.Time is { } time ? keys.TimeText(time) : null;
        if (options.Chdir is not null)
        {
            // The original reads a missing chdir as the current directory, and a null as an error.
            config["chdir"] = options.Chdir;
        }

        config["debug"] = options.Debug;
        config[OptionReader.Stored("pre-commands")] = new JsonArray([.. options.PreCommands.Select(l => (JsonNode?)l)]);
        config[OptionReader.Stored("post-commands")] = new JsonArray([.. options.PostCommands.Select(l => (JsonNode?)l)]);
        config[OptionReader.Stored(keys.ScriptDirectory)] = options.ScriptDirectory;
        config["executable"] = options.Executable;
        if (options.MaxParallel is { } max)
        {
            config[OptionReader.Stored("max-parallel")] = max;
        }

        if (options.TasksPerJob is { } packed)
        {
            config[OptionReader.Stored("tasks-per-job")] = packed;
        }
    }

    /// <summary>The tool option map as stored: a flag as an empty value, as the original writes one.</summary>
    public static JsonObject ToolOptions(IReadOnlyDictionary<string, string?> options) =>
        new(options.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)(kv.Value ?? string.Empty))));

    /// <summary>The problems of the shared fields that typing does not rule out, each naming its field.</summary>
    /// <param name="options">The options.</param>
    /// <param name="keys">The runner's names.</param>
    /// <param name="directives">The directive prefixes the scheduler reads in a script (<c>#SBATCH</c>), which no pre- or post-command may hold.</param>
    /// <param name="where">Where a bare executable name is looked up, for the message (<c>the compute node's PATH</c>).</param>
    public static List<Flepimop2ConfigurationException> Problems(BatchJobOptions options, BatchOptionKeys keys, IReadOnlyList<string> directives, string where)
    {
        var problems = new List<Flepimop2ConfigurationException>();
        BatchOptionChecks.Text(problems, "chdir", options.Chdir);
        BatchOptionChecks.Text(problems, keys.ScriptDirectory, options.ScriptDirectory);
        BatchOptionChecks.Text(problems, "executable", options.Executable);
        if (options.Executable is { } exe && !exe.Contains('/', StringComparison.Ordinal) && exe.Any(char.IsWhiteSpace))
        {
            problems.Add(new($"expected one program (a path, or a name on {where}), got '{Printable.Escape(exe)}'; for a command with arguments, put a wrapper script on PATH", field: "executable"));
        }

        BatchOptionChecks.Commands(problems, "pre-commands", options.PreCommands, directives, keys.ToolOptions);
        BatchOptionChecks.Commands(problems, "post-commands", options.PostCommands, directives, keys.ToolOptions);
        if (options.MaxParallel is < 1)
        {
            problems.Add(new($"must be a whole number of at least 1, got {options.MaxParallel}", field: "max-parallel"));
        }

        if (options.TasksPerJob is < 1 or > JobRequest.MaxTasks)
        {
            problems.Add(new($"must be a whole number from 1 to {JobRequest.MaxTasks}, got {options.TasksPerJob}", field: "tasks-per-job"));
        }

        return problems;
    }

    /// <summary>
    /// The key an option is given under: its name, or its alias when only that is there. Both at once is a problem (one
    /// would silently win).
    /// </summary>
    private static string Synonym(OptionReader reader, string name, string? alias)
    {
        if (alias is null || reader.Get(alias) is null)
        {
            return name;
        }

        if (reader.Get(name) is not null)
        {
            reader.Fail(OptionReader.Error(alias, $"'{alias}' means the same as '{name}', which is given too; keep one"), 0);
            return name;
        }

        return alias;
    }
}
