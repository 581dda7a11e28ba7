using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Processes;

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
        using var process = ProcessLauncher.Start(spec);
        var cancelled = false;
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

        var metadata = new Dictionary<string, JsonNode?>
        {
            ["mode"] = "blocking",
            ["returncode"] = process.ExitCode,
            ["pid"] = process.Id,
        };
        if (cancelled)
        {
            metadata["cancelled"] = true;
        }

        return new JobHandle(JobIds.New(), "shell") { SubmittedAt = submittedAt, Metadata = metadata };
    }
}
