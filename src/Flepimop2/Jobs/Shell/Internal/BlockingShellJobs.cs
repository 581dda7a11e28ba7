using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>Runs a blocking shell job: waits for it, and records its return code, or that it was stopped.</summary>
internal static class BlockingShellJobs
{
    /// <summary>
    /// Runs the job to its end. Cancelled, it stops the job with everything it started (SIGTERM, SIGKILL after
    /// <paramref name="grace"/>) and still returns its handle, with <c>cancelled: true</c>, so that it can be recorded.
    /// </summary>
    public static async Task<JobHandle> RunAsync(ProcessSpec spec, TimeProvider clock, TimeSpan grace, CancellationToken cancellationToken)
    {
        var submittedAt = IsoTime.Now(clock);
        var started = clock.GetTimestamp();
        using var process = ProcessLauncher.Start(spec);
        var cancelled = false;
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakAsync(process.Id, clock, sampling.Token);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The job runs in this program's process group: without this, it would go on alone, unrecorded.
            cancelled = true;
            await ProcessTree.StopAsync(process, grace, clock).ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var elapsed = clock.GetElapsedTime(started);
        await sampling.CancelAsync().ConfigureAwait(false);
        var metadata = new Dictionary<string, JsonNode?>
        {
            ["mode"] = ShellRecord.Blocking,
            ["returncode"] = process.ExitCode,
            ["pid"] = process.Id,
            ["elapsed_seconds"] = Math.Round(elapsed.TotalSeconds, 3),
        };
        if (await peak.ConfigureAwait(false) is > 0 and var bytes)
        {
            metadata["peak_rss_bytes"] = bytes;
        }

        if (cancelled)
        {
            metadata["cancelled"] = true;
        }

        return new JobHandle(JobIds.New(), "shell", submittedAt) { Metadata = metadata };
    }

    /// <summary>
    /// The largest resident memory of the job's process tree seen while it runs, sampled four times a second (a child that
    /// lives less than that may be missed): the kernel keeps no peak for a tree, only for each process while it lives.
    /// </summary>
    private static async Task<long> SamplePeakAsync(int pid, TimeProvider clock, CancellationToken stop)
    {
        long peak = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessTree.ResidentBytes(pid));
                await Task.Delay(TimeSpan.FromMilliseconds(250), clock, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The job has ended.
        }

        return peak;
    }
}
