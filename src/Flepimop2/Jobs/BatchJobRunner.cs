using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Jobs.Internal;
using Flepimop2.Processes;

namespace Flepimop2.Jobs;

/// <summary>
/// A runner that hands batch scripts to a cluster scheduler through its command-line tools (Slurm, Grid Engine). What such
/// runners share lives here: the process layer with its timeout, the grace window for jobs the scheduler does not know yet,
/// the check of a program path against the job's working directory, the check for the scheduler's tools, and the
/// configuration keys kept as they were given.
/// </summary>
/// <remarks>Only runners of this library derive from it; <see cref="JobRunner"/> is the seam for other backends.</remarks>
public abstract class BatchJobRunner : JobRunner
{
    private readonly JsonObject _extra;
    private readonly JsonNode? _optionsNode;
    private readonly Func<string, string?> _findTool;

    private protected BatchJobRunner(JsonObject extra, JsonNode? optionsNode, TimeProvider clock, IProcessRunner processes, Func<string, string?> findTool)
    {
        _extra = extra;
        _optionsNode = optionsNode;
        Clock = clock;
        Processes = processes;
        _findTool = findTool;
    }

    /// <summary>
    /// How long after submission a job that the scheduler neither lists nor has accounted for still counts as pending (the
    /// controller or the accounting may not have it yet). After it, such a job is <c>finished_unknown</c>.
    /// </summary>
    public TimeSpan SubmissionGraceWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one call of a scheduler tool may take before it is stopped and the operation fails.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for timestamps, back-off and the grace window.</summary>
    private protected TimeProvider Clock { get; }

    /// <summary>Runs the scheduler's tools.</summary>
    private protected IProcessRunner Processes { get; }

    /// <summary>The working directory the runner's options give jobs; null for the submitter's.</summary>
    private protected abstract string? WorkingDirectory { get; }

    /// <summary>The tool that submits a job (<c>sbatch</c>, <c>qsub</c>).</summary>
    private protected abstract string SubmitTool { get; }

    /// <summary>What a missing tool message says the runner needs, for example "the slurm runner needs the Slurm client tools".</summary>
    private protected abstract string ToolsNeeded { get; }

    /// <summary>
    /// A program path (with a <c>/</c>) must be an executable file, relative to the job's working directory, which a
    /// cluster's nodes share; a bare name is left to the node's PATH (the job gets the submitter's environment, and
    /// pre-commands may change it).
    /// </summary>
    /// <param name="program">The program, as the command gives it.</param>
    /// <returns>What is wrong, or null.</returns>
    public override string? ProgramProblem(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (!program.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.GetFullPath(program, Path.GetFullPath(WorkingDirectory ?? Environment.CurrentDirectory));
        return Executables.IsExecutableFile(path) ? null : NotExecutable(program);
    }

    /// <inheritdoc/>
    protected override string? GetTaskTable(JobHandle handle) => handle?.MetadataText("task_table");

    /// <summary>The submitting tool must be on PATH and the working directory, when the options give one, must exist.</summary>
    /// <returns>The issues found.</returns>
    protected override IReadOnlyList<ValidationIssue> ValidateSubmit()
    {
        var issues = MissingTools(SubmitTool);
        if (WorkingDirectory is { } chdir && !Directory.Exists(chdir))
        {
            issues.Add(new ValidationIssue($"working directory '{chdir}' does not exist", "missing_directory", new Dictionary<string, string> { ["chdir"] = chdir }));
        }

        return issues;
    }

    /// <summary>Where a runner built from its configuration looks for a tool: the PATH of this process.</summary>
    private protected static string? FindOnPath(string tool) => Executables.Find(tool, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>A copy of the configuration's <c>options</c> entry as it was given, or null.</summary>
    private protected JsonNode? OptionsEntry() => _optionsNode?.DeepClone();

    /// <summary><paramref name="config"/> with the configuration's unknown keys added back, as they were given.</summary>
    private protected JsonObject WithUnknownKeys(JsonObject config) => OptionReader.WithUnknownKeys(config, _extra);

    /// <summary>An issue for each of <paramref name="tools"/> not found.</summary>
    private protected List<ValidationIssue> MissingTools(params string[] tools) => BatchScript.MissingTools(_findTool, ToolsNeeded, tools);
}
