namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>The argument lists of the Slurm tools, in the machine-readable forms the parsers read. <c>-M</c> only when a cluster is known.</summary>
internal static class SlurmCommandLines
{
    public static string[] Sbatch(string scriptPath) => ["sbatch", "--parsable", scriptPath];

    public static string[] Squeue(IEnumerable<string> jobIds, string? cluster) =>
        ["squeue", .. Cluster(cluster), "-h", "-o", SqueueParser.Format, "-j", string.Join(',', jobIds)];

    public static string[] Sacct(IEnumerable<string> jobIds, string? cluster) =>
        ["sacct", .. Cluster(cluster), "-X", "-P", "-n", "-o", SacctParser.Fields, "-j", string.Join(',', jobIds)];

    /// <summary>Every job the controller holds, one line each (it takes no list of ids).</summary>
    public static string[] ScontrolShowJobs(string? cluster) => ["scontrol", .. Cluster(cluster), "show", "job", "-o"];

    public static string[] Scancel(string jobId, string? cluster) => ["scancel", .. Cluster(cluster), jobId];

    private static string[] Cluster(string? cluster) => cluster is null ? [] : ["-M", cluster];
}
