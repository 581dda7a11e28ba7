using System.Runtime.InteropServices;
using Flepimop2.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// The wrapper every job's command runs under (<c>flepimop2 job exec --exit-record FILE -- PROGRAM ARGS</c>): it writes the
/// exit record's start, runs the command as its child, and writes how it ended and what it used, from <c>wait4</c>. It
/// outlives a SIGTERM, SIGINT or SIGHUP sent to it (they reach the command too, which is in its process group, and the
/// wrapper waits to record how the command took them); only SIGKILL stops it before it records the end.
/// </summary>
internal static class ExitRecorder
{
    /// <summary>The exit code for a command that could not be started (as a shell says for one not found).</summary>
    public const int NotStarted = 127;

    /// <summary>Runs <paramref name="argv"/>, recording it in <paramref name="record"/>; returns the command's exit code, or 128 + the signal that ended it.</summary>
    /// <param name="record">The exit record to write.</param>
    /// <param name="argv">The command.</param>
    /// <param name="clock">The clock of the record's times.</param>
    /// <param name="error">Where the recorder's own messages go.</param>
    /// <param name="cancelFile">
    /// A file whose appearance cancels the command (a packed task's <c>cancel --task</c>, written where the node shares the run
    /// directory): present before the start, the command is not started and is recorded as ended by SIGTERM; appearing while it
    /// runs, the command gets SIGTERM, then SIGKILL after a grace. Null: none.
    /// </param>
    public static int Run(string record, IReadOnlyList<string> argv, TimeProvider clock, TextWriter error, string? cancelFile = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(error);
        var signals = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP }
            .Select(s => PosixSignalRegistration.Create(s, context => context.Cancel = true))
            .ToList();
        try
        {
            var start = new ExitRecord(IsoTime.Now(clock), Environment.MachineName, "flepimop2");
            start.Write(record);
            if (cancelFile is not null && File.Exists(cancelFile))
            {
                (start with { EndedAt = IsoTime.Now(clock), Signal = CancelWatch.Signal }).Write(record);
                return 128 + CancelWatch.Signal;
            }

            // The kernel counts against the child the memory this process had when it started it (they share it until the
            // exec): a peak no larger than that is taken from the child's own high-water marks, read while it runs.
            var shared = ProcessHighWater.ResidentBytes(Environment.ProcessId);
            int pid;
            try
            {
                pid = RecordedRun.Start(argv);
            }
            catch (IOException ex)
            {
                error.WriteLine($"flepimop2: {ex.Message}");
                (start with { EndedAt = IsoTime.Now(clock), ExitCode = NotStarted }).Write(record);
                return NotStarted;
            }

            RecordedRun.Outcome outcome;
            long sampled, addressSpace;
            using (var sampler = new ProcessHighWater(pid, clock))
            using (var space = ProcessHighWater.AddressSpace(pid, clock))
            using (cancelFile is null ? null : new CancelWatch(pid, cancelFile, clock))
            {
                outcome = RecordedRun.Wait(pid);
                sampled = sampler.Peak;
                addressSpace = space.Peak;
            }

            var peak = RecordedRun.PeakOf(outcome, shared, sampled);
            var code = outcome.ExitCode ?? 128 + outcome.Signal!.Value;
            try
            {
                (start with
                {
                    EndedAt = IsoTime.Now(clock),
                    ExitCode = outcome.ExitCode,
                    Signal = outcome.Signal,
                    PeakRssBytes = peak,
                    PeakVmemBytes = addressSpace > 0 ? addressSpace : null,
                    CpuSeconds = Math.Round(outcome.CpuSeconds, 3),
                }).Write(record);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The command ran: its exit code stands even when its end cannot be written (a full disk); the start
                // record left behind reads as ended without a record of how.
                error.WriteLine($"flepimop2: the command ended with {code} but its end could not be recorded in {record}: {ex.Message}");
            }

            return code;
        }
        finally
        {
            signals.ForEach(s => s.Dispose());
        }
    }
}
