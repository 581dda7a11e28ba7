using System.Globalization;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// The argument lists of the Grid Engine tools, in the forms the parsers read. Every option of a submission is an
/// argument of qsub (none is a <c>#$</c> line of the script), so each reaches qsub exactly as given.
/// </summary>
internal static class GridEngineCommandLines
{
    /// <summary>
    /// A submission: <c>-terse</c> (the id alone), bash, the job's name, working directory and output file (both streams),
    /// the submitter's environment (<c>-V</c>, as sbatch passes it by default), the resources of the options, for a sweep
    /// <c>-t 1-N</c> (Grid Engine numbers tasks from 1) with <c>-tc K</c>, the jobs it waits for (<c>-hold_jid</c>), the
    /// user's own qsub options in name order, then the script.
    /// </summary>
    /// <param name="options">Normalized options.</param>
    /// <param name="scriptPath">The script.</param>
    /// <param name="jobName">The name for <c>-N</c>.</param>
    /// <param name="chdir">The working directory, absolute.</param>
    /// <param name="output">The output path pattern for <c>-o</c>.</param>
    /// <param name="tasks">A sweep's size, or null for one job.</param>
    /// <param name="maxParallel">A sweep's limit of tasks at once, or null.</param>
    /// <param name="holdIds">The job ids it waits for.</param>
    public static string[] Qsub(GridEngineJobOptions options, string scriptPath, string jobName, string chdir, string output, int? tasks, int? maxParallel, IReadOnlyList<string> holdIds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(holdIds);
        var argv = new List<string> { "qsub", "-terse", "-S", "/bin/bash", "-N", jobName, "-wd", chdir, "-j", "y", "-o", output, "-V" };
        if (options.Queue is { } queue)
        {
            argv.AddRange(["-q", queue]);
        }

        if (options.Slots is { } slots)
        {
            argv.AddRange(["-pe", options.ParallelEnvironment ?? "smp", slots.ToString(CultureInfo.InvariantCulture)]);
        }

        if (options.Time is { } time)
        {
            argv.AddRange(["-l", $"h_rt={GridEngineOptionsValidator.TimeText(time)}"]);
        }

        if (options.Memory is { } memory)
        {
            argv.AddRange(["-l", $"h_vmem={memory}"]);
        }

        if (options.Project is { } project)
        {
            argv.AddRange(["-P", project]);
        }

        if (tasks is { } count)
        {
            argv.AddRange(["-t", string.Create(CultureInfo.InvariantCulture, $"1-{count}")]);
            if (maxParallel is { } k)
            {
                argv.AddRange(["-tc", k.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        if (holdIds.Count > 0)
        {
            argv.AddRange(["-hold_jid", string.Join(',', holdIds)]);
        }

        foreach (var (key, value) in options.QsubOptions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            argv.Add("-" + key);
            if (value is not null)
            {
                argv.Add(value);
            }
        }

        argv.Add(scriptPath);
        return [.. argv];
    }

    /// <summary>Every live job of every user (pending, running, held, in error), each array task or pending range on its own element.</summary>
    public static string[] QstatAll() => ["qstat", "-u", "*", "-xml"];

    /// <summary>The details of some jobs (for the error reason of a job in <c>Eqw</c>); ids the qmaster does not know are left out.</summary>
    public static string[] QstatJobs(IEnumerable<string> jobIds) => ["qstat", "-j", string.Join(',', jobIds)];

    /// <summary>Deletes jobs, or array tasks given as <c>ID.TASK</c>, in one call.</summary>
    public static string[] Qdel(IEnumerable<string> jobIds) => ["qdel", .. jobIds];

    /// <summary>Deletes one task of an array job (its Grid Engine task number, from 1).</summary>
    public static string[] QdelTask(string jobId, int sgeTask) => ["qdel", jobId, "-t", sgeTask.ToString(CultureInfo.InvariantCulture)];
}
