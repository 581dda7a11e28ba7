using System.Text.Json.Nodes;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// What a scheduler job's handle records of its submission (its metadata), read in one place: where its script, task table
/// and output are, its name, working directory and cluster. Reading never trusts the record: what is missing or not text
/// reads as null.
/// </summary>
/// <param name="Script">The batch script.</param>
/// <param name="JobName">The job's name on the scheduler.</param>
/// <param name="Chdir">The job's working directory.</param>
/// <param name="Output">A job's output file.</param>
/// <param name="Error">A job's error file, when its error output goes elsewhere.</param>
/// <param name="OutputPattern">A sweep's output file pattern, in the scheduler's notation.</param>
/// <param name="ErrorPattern">A sweep's error file pattern, when its error output goes elsewhere.</param>
/// <param name="TaskTable">A sweep's task table.</param>
/// <param name="Cluster">The cluster the scheduler put the job on, when it named one (Slurm's <c>ID;CLUSTER</c>).</param>
/// <param name="RunDirectory">The submission's run directory, where the job writes its exit records; null in records older than them.</param>
internal sealed record BatchRecord(
    string? Script,
    string? JobName,
    string? Chdir,
    string? Output = null,
    string? Error = null,
    string? OutputPattern = null,
    string? ErrorPattern = null,
    string? TaskTable = null,
    string? Cluster = null,
    string? RunDirectory = null)
{
    /// <summary>The record of a handle.</summary>
    public static BatchRecord Of(JobHandle handle)
    {
        return new BatchRecord(
            handle.MetadataText("script"),
            handle.MetadataText("job_name"),
            handle.MetadataText("chdir"),
            handle.MetadataText("output"),
            handle.MetadataText("error"),
            handle.MetadataText("output_pattern"),
            handle.MetadataText("error_pattern"),
            handle.MetadataText("task_table"),
            handle.MetadataText("cluster"),
            handle.MetadataText("run_dir"));
    }

    /// <summary>Where the exit record of a job (<paramref name="position"/> null) or of a sweep's task is; null when the record keeps no run directory.</summary>
    public string? ExitRecordPath(int? position) =>
        RunDirectory is not { } run ? null : position is { } p ? ExitRecording.TaskRecord(run, p) : ExitRecording.JobRecord(run);

    /// <summary>The cluster a handle's job is on (null for the default one).</summary>
    public static string? ClusterOf(JobHandle handle) => handle?.MetadataText("cluster");

    /// <summary>The record as metadata entries; what is null is left out.</summary>
    public Dictionary<string, JsonNode?> ToMetadata()
    {
        var metadata = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in new[]
        {
            ("script", Script), ("task_table", TaskTable), ("job_name", JobName), ("chdir", Chdir), ("output", Output), ("error", Error),
            ("output_pattern", OutputPattern), ("error_pattern", ErrorPattern), ("cluster", Cluster), ("run_dir", RunDirectory),
        })
        {
            if (value is not null)
            {
                metadata[key] = value;
            }
        }

        return metadata;
    }
}
