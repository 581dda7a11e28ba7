using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>The argument lists of the Slurm tools, in the machine-readable forms the parsers read. <c>-M</c> only when a cluster is known.</summary>
internal static class SlurmCommandLines
{
    public static string[] Sbatch(string scriptPath) => ["sbatch", "--parsable", scriptPath];

    /// <summary>
    /// One job held by <paramref name="dependency"/> (a command-line option replaces the script's directive), ended by Slurm
    /// when it can never be satisfied if <paramref name="killOnInvalid"/>.
    /// </summary>
    public static string[] Sbatch(string scriptPath, string? dependency, bool killOnInvalid) =>
        ["sbatch", "--parsable", .. Dependency(dependency, killOnInvalid), scriptPath];

    /// <summary>
    /// One array of a sweep: indices 0 to <paramref name="count"/> - 1, at most <paramref name="maxParallel"/> at once,
    /// held by <paramref name="dependency"/> when given (a command-line option replaces the script's directive). The script
    /// gets <paramref name="first"/>, the sweep task its index 0 runs, as its argument.
    /// </summary>
    public static string[] SbatchArray(string scriptPath, int first, int count, int? maxParallel, string? dependency, bool killOnInvalid = false) =>
    [
        "sbatch", "--parsable",
        string.Create(CultureInfo.InvariantCulture, $"--array=0-{count - 1}{(maxParallel is { } k ? $"%{k}" : string.Empty)}"),
        .. Dependency(dependency, killOnInvalid),
        scriptPath, first.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>Every line of the cluster's configuration (for <c>MaxArraySize</c>).</summary>
    public static string[] ScontrolShowConfig(string? cluster) => ["scontrol", .. Cluster(cluster), "show", "config"];

    /// <summary>
    /// The jobs the controller holds, with <c>-t all</c> so that a job that ended a moment ago is still seen as ended while
    /// accounting has not recorded it yet, and <c>-r</c> so that every array task has its own line.
    /// </summary>
    public static string[] Squeue(IEnumerable<string> jobIds, string? cluster) =>
        ["squeue", .. Cluster(cluster), "-t", "all", "-r", "-h", "-O", SqueueParser.Format, "-j", string.Join(',', jobIds)];

    /// <summary>
    /// Which of the jobs the controller holds and in what state, by the lighter query of Slurm 24.05 on
    /// (<c>--only-job-state</c>: the controller answers with job ids and states alone, so only those are asked for). It
    /// takes <c>-M</c>, <c>-t</c>, <c>-r</c>, <c>-h</c>, <c>-O</c> and <c>-j</c>; squeue refuses most other options with it.
    /// </summary>
    public static string[] SqueueStates(IEnumerable<string> jobIds, string? cluster) =>
        ["squeue", .. Cluster(cluster), "--only-job-state", "-t", "all", "-r", "-h", "-O", SqueueParser.StateFormat, "-j", string.Join(',', jobIds)];

    /// <summary>The version of squeue, the tool that would be given <c>--only-job-state</c>; it asks the controller nothing.</summary>
    public static string[] SqueueVersion() => ["squeue", "--version"];

    /// <summary>
    /// What accounting holds about the jobs: without <c>-X</c>, so that each job's steps come too (the peak memory is only on
    /// them); <see cref="SacctParser"/> folds them into their job.
    /// </summary>
    public static string[] Sacct(IEnumerable<string> jobIds, string? cluster) =>
        ["sacct", .. Cluster(cluster), "-P", "-n", "-o", SacctParser.Fields, "-j", string.Join(',', jobIds)];

    /// <summary>Every job the controller holds, one line each (it takes no list of ids).</summary>
    public static string[] ScontrolShowJobs(string? cluster) => ["scontrol", .. Cluster(cluster), "show", "job", "-o"];

    public static string[] Scancel(string jobId, string? cluster) => ["scancel", .. Cluster(cluster), jobId];

    /// <summary>Cancels several jobs (the arrays of a sweep) in one call.</summary>
    public static string[] Scancel(IEnumerable<string> jobIds, string? cluster) => ["scancel", .. Cluster(cluster), .. jobIds];

    /// <summary>Releases held jobs (a sweep's arrays) in one call.</summary>
    public static string[] Release(IEnumerable<string> jobIds, string? cluster) => ["scontrol", .. Cluster(cluster), "release", string.Join(',', jobIds)];

    private static string[] Dependency(string? dependency, bool killOnInvalid) =>
        dependency is null ? [] : killOnInvalid ? [$"--dependency={dependency}", "--kill-on-invalid-dep=yes"] : [$"--dependency={dependency}"];

    private static string[] Cluster(string? cluster) => cluster is null ? [] : ["-M", cluster];
}
