using Flepimop2.Jobs;

namespace Flepimop2.Cli.Output;

/// <summary>One job as <c>job watch</c> shows it: a row of the table, or a JSON line.</summary>
/// <param name="Key">The store key.</param>
/// <param name="Target">What the job runs (<see cref="TargetOf"/>).</param>
/// <param name="Status">The status's wire name, or <c>unknown</c> before the backend has answered.</param>
/// <param name="Elapsed">Time since submission, until the job was seen finished.</param>
/// <param name="Tasks">For a sweep, how many tasks are in each status; null for an ordinary job.</param>
internal sealed record WatchRow(string Key, string Target, string Status, TimeSpan Elapsed, SweepCounts? Tasks)
{
    /// <summary>
    /// What a job runs, in a word: the target of a step, the program of <c>job run</c>, the target a Slurm sweep's job name
    /// carries; <c>sweep</c> for another sweep (its commands are in its task table), <c>-</c> for a record that says nothing.
    /// Read from the record as it is: the caller escapes it.
    /// </summary>
    public static string TargetOf(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return handle.Target ?? (handle.SweepSize is null ? "-" : "sweep");
    }

    /// <summary>Elapsed time as <c>42s</c>, <c>3m07s</c>, <c>2h05m</c> or <c>3d04h</c>.</summary>
    public string ElapsedText()
    {
        var seconds = (long)Math.Max(0, Elapsed.TotalSeconds);
        return seconds switch
        {
            < 60 => $"{seconds}s",
            < 3600 => $"{seconds / 60}m{seconds % 60:00}s",
            < 86_400 => $"{seconds / 3600}h{seconds / 60 % 60:00}m",
            _ => $"{seconds / 86_400}d{seconds / 3600 % 24:00}h",
        };
    }
}
