using System.Globalization;
using Flepimop2.Jobs.Batch;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>
/// Slurm's pieces of a batch script: its sorted <c>#SBATCH</c> directives, its log patterns and how a task of an array finds
/// its position in the sweep (the rest of the script is <see cref="BatchScript"/>'s). Pure: it touches no file.
/// </summary>
internal static class SlurmScriptRenderer
{
    /// <summary>
    /// An array submitted with argument <c>F</c> runs, as its task <c>i</c> (<c>SLURM_ARRAY_TASK_ID</c>), the sweep's position
    /// <c>F + i</c>: a sweep larger than the cluster's largest array is several arrays running one script.
    /// </summary>
    public const string SweepPositionCode =
        "if [[ -z ${SLURM_ARRAY_TASK_ID-} ]]; then\n" +
        "  echo 'flepimop2: this script runs as a Slurm job array task (SLURM_ARRAY_TASK_ID is not set)' >&2\n" +
        "  exit 2\n" +
        "fi\n" +
        "case ${1-} in\n" +
        "  '' | *[!0-9]*) echo \"flepimop2: the first task of this array must be the script's argument, got '${1-}'\" >&2; exit 2 ;;\n" +
        "esac\n" +
        "flepimop2_task=$((SLURM_ARRAY_TASK_ID + 10#$1))\n";

    /// <summary>The job's name: <c>flepimop2:COMMAND:CONFIG:TARGET</c>, made safe for a directive.</summary>
    public static string JobName(BatchJobNames names) => SbatchDirectives.Sanitize(names.Join(':'));

    /// <summary>
    /// The output file: <c>sbatch-options.output</c>, else <c>slurm-%j.out</c> (a sweep: <c>slurm-%A_%a.out</c>) in the working
    /// directory; and the error file when <c>sbatch-options.error</c> sets one.
    /// </summary>
    public static BatchLogs Logs(SlurmJobOptions options, string chdir, bool sweep) =>
        new(
            options.SbatchOptions.GetValueOrDefault("output") ?? Path.Join(SlurmOutputPattern.Escape(chdir), sweep ? "slurm-%A_%a.out" : "slurm-%j.out"),
            options.SbatchOptions.GetValueOrDefault("error"));

    /// <summary>Every <c>#SBATCH</c> line, sorted by option name; <c>--ignore-pbs</c> among them, so that no <c>#PBS</c> or <c>#BSUB</c> line of a pre- or post-command is read.</summary>
    /// <exception cref="Flepimop2ConfigurationException">The working directory cannot be written in a directive.</exception>
    public static IReadOnlyList<string> Directives(SlurmJobOptions options, BatchSubmission submission, BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(submission);
        if (SbatchDirectives.ValueProblem(submission.Chdir) is { } problem)
        {
            throw new Flepimop2ConfigurationException($"the working directory {problem}, got '{submission.Chdir.ReplaceLineEndings("\\n")}'", field: "chdir");
        }

        var directives = new SortedDictionary<string, string?>(StringComparer.Ordinal)
        {
            ["chdir"] = submission.Chdir,
            ["comment"] = SbatchDirectives.Sanitize(BatchJobNames.Of(submission.Commands).Describe()),

            // sbatch reads #PBS and #BSUB lines anywhere in the script, past the first command too, and over #SBATCH.
            ["ignore-pbs"] = null,
            ["job-name"] = submission.JobName,
            ["output"] = logs.Output,
        };
        Add(directives, "cpus-per-task", options.CpusPerTask?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "mem", options.Memory?.ToString());
        Add(directives, "nodes", options.Nodes?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "ntasks", options.Ntasks?.ToString(CultureInfo.InvariantCulture));
        Add(directives, "time", options.Time?.ToString());
        if (options.Requeue is { } requeue)
        {
            directives[requeue ? "requeue" : "no-requeue"] = null;
        }

        foreach (var (key, value) in options.SbatchOptions)
        {
            directives[key] = value;
        }

        return [.. directives.Select(d => SbatchDirectives.Line(d.Key, d.Value))];
    }

    private static void Add(SortedDictionary<string, string?> directives, string key, string? value)
    {
        if (value is not null)
        {
            directives[key] = value;
        }
    }
}
