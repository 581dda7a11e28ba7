using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// Shell sweeps: many tasks under one <see cref="ShellSupervisor"/>, detached (in a session of its own, outliving the
/// submitter) or blocking (in the foreground). Status, cancel and logs read and write the sweep's directory.
/// </summary>
internal sealed class ShellSweeps(TimeProvider clock, TimeSpan grace)
{
    /// <summary>How long a task's cancel waits for the task's exit record once the task is gone (or not yet known as a process).</summary>
    private static readonly TimeSpan RecordWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan RecordPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>Starts the supervisor, claims its directory, writes the task table, then lets it start the tasks.</summary>
    /// <param name="supervisor">The supervisor's argv and environment (see <see cref="ShellSupervisor.Argv"/>).</param>
    /// <param name="logRoot">Where the sweep's directory goes.</param>
    /// <param name="tasks">Each task's full argv.</param>
    /// <param name="sweep">The sweep's size and limit.</param>
    /// <param name="detached">Whether the supervisor runs in a session of its own (else this call waits for it).</param>
    /// <param name="cancellationToken">For a blocking sweep: stops it (every task) and still returns its handle.</param>
    /// <param name="after">The jobs the sweep waits for before its first task (a detached sweep only).</param>
    /// <param name="beforeRelease">For a detached sweep, records its handle before any task can start (see <see cref="JobRequest.BeforeRelease"/>).</param>
    public async Task<JobHandle> StartAsync(
        ProcessSpec supervisor,
        string logRoot,
        IReadOnlyList<IReadOnlyList<string>> tasks,
        SweepInfo sweep,
        bool detached,
        IReadOnlyList<JobDependency> after,
        Func<JobHandle, CancellationToken, Task>? beforeRelease,
        CancellationToken cancellationToken)
    {
        SubmissionFiles.CreateParent(logRoot);
        var submittedAt = IsoTime.Now(clock);
        using var process = ProcessLauncher.Start(supervisor with { RedirectInput = true });
        string directory;
        string id;
        Dictionary<string, JsonNode?> metadata;
        using (var names = process.StandardInput)
        {
            var probe = detached ? ProcessProbe.WaitForOwnGroup(process.Id, clock) : ProcessProbe.Read(process.Id);
            var files = new SubmissionFiles();
            (id, directory) = (string.Empty, logRoot);
            try
            {
                (id, directory) = ShellRunDirectory.Claim(logRoot, process.Id);
                files.Created(directory);
                DiskWrites.Run(directory, () =>
                {
                    Directory.CreateDirectory(Path.Combine(directory, "tasks"));
                    Directory.CreateDirectory(Path.Combine(directory, "cancel"));
                    Directory.CreateDirectory(Path.Combine(directory, "exit"));
                });
                TaskTable.Write(Path.Combine(directory, "table"), tasks, sweep.Indices);
                if (after.Count > 0)
                {
                    DiskWrites.Run(directory, () => ShellPredecessors.Write(directory, after));
                }
            }
            catch (Exception ex) when (SubmissionFiles.Catches(ex))
            {
                // The supervisor has not been told its directory: closing its input ends it before any task starts.
                throw files.Failed(ex, directory);
            }

            metadata = new Dictionary<string, JsonNode?>
            {
                ["mode"] = ShellRecord.ModeOf(detached),
                ["pid"] = process.Id,
                ["start_time"] = probe.Exists ? probe.StartTicks : -1,
                ["boot_id"] = ProcessProbe.BootId,
                ["run_dir"] = directory,
                ["log"] = Path.Combine(directory, "supervisor.log"),
                [SweepInfo.Key] = sweep.ToJson(),
            };
            if (detached)
            {
                var recorded = new JobHandle(id, "shell", submittedAt) { Metadata = metadata };
                await ShellRelease.RecordAsync(recorded, beforeRelease, cancellationToken).ConfigureAwait(false);
            }

            // The supervisor waits for this name; if anything above failed, closing its input ends it before any task starts.
            await names.WriteAsync(Path.GetFileName(directory) + "\n").ConfigureAwait(false);
        }

        if (!detached)
        {
            var cancelled = false;
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                MarkCancelled(directory, "all");
                await ProcessTree.StopAsync(process, grace, clock).ConfigureAwait(false);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                RecordKilled(directory, sweep.Tasks);
            }

            metadata["returncode"] = process.ExitCode;
            if (cancelled)
            {
                metadata["cancelled"] = true;
            }
        }

        return new JobHandle(id, "shell", submittedAt) { Metadata = metadata };
    }

    /// <summary>Where every task stands: from the sweep's records, and whether its supervisor still runs.</summary>
    public static JobStatusResult Status(JobHandle handle, SweepInfo sweep)
    {
        var directory = ShellRecord.Of(handle).RunDirectory;
        var records = directory is null ? Empty : ShellSweepRecords.Read(directory, sweep.Tasks);
        var detail = new Dictionary<string, JsonNode?>();
        var running = false;
        if (!ShellRecord.IsBlockingJob(handle))
        {
            var check = DetachedShellJobs.Judge(handle);
            running = check.Verdict == ShellProcessVerdict.Running;
            if (check.Pid > 0)
            {
                detail["pid"] = check.Pid;
            }

            if (!running && records.Done is null && records.Results.Count < sweep.Tasks)
            {
                detail["reason"] = check.Reason ?? "the sweep's supervisor ended without finishing (it was killed)";
            }

            // Records read before the check may miss a task that ended meanwhile: read again once the supervisor is gone.
            if (!running && directory is not null)
            {
                records = ShellSweepRecords.Read(directory, sweep.Tasks);
            }
        }

        if (directory is not null && ShellPredecessors.Read(directory) is var (waiting, notRun) && (notRun is not null || (waiting && running)))
        {
            // Not started yet, or never to start: every task says so.
            detail["reason"] = notRun is null ? ShellPredecessors.WaitingReason(handle) : $"{notRun} (it did not run)";
            var tasks = Enumerable.Range(0, sweep.Tasks)
                .Select(i => new SweepTaskStatus(i, notRun is null ? JobStatus.Pending : JobStatus.Failed) { Detail = new Dictionary<string, JsonNode?> { ["reason"] = detail["reason"]!.DeepClone() } })
                .ToList();
            var whole = new SweepStatus(tasks);
            return sweep.Relabel(new JobStatusResult(handle, whole.Overall) { Detail = detail, Sweep = whole });
        }

        return sweep.Relabel(ShellSweepStates.Decide(handle, sweep.Tasks, records, running, detail, running ? [] : StillRunning(handle, records)));
    }

    /// <summary>
    /// Stops every unfinished task: SIGTERM to the sweep's process group (the supervisor starts nothing more; each task's
    /// recorder records the task's end), SIGKILL after the grace period or at once when the wait is cancelled.
    /// </summary>
    /// <exception cref="JobBackendException">The handle names a process that cannot be the sweep's supervisor.</exception>
    public async Task CancelAsync(JobHandle handle, SweepInfo sweep, CancellationToken cancellationToken)
    {
        if (Target(handle, handle.Key) is not var (directory, check))
        {
            return;
        }

        switch (check.Verdict)
        {
            case ShellProcessVerdict.Ended:
                // The supervisor alone was killed: its tasks may still run, each under its recorder.
                MarkCancelled(directory, "all");
                var records = ShellSweepRecords.Read(directory, sweep.Tasks);
                foreach (var orphan in StillRunning(handle, records))
                {
                    var process = records.Pids[orphan];
                    await ProcessTree.StopAsync(process.Pid, process.StartTicks, grace, clock).ConfigureAwait(false);
                }

                return;
        }

        MarkCancelled(directory, "all");
        var group = check.Probe.ProcessGroup == check.Pid;
        DetachedShellJobs.Signal(check.Pid, group, Posix.SigTerm);
        try
        {
            var started = clock.GetTimestamp();
            while (DetachedShellJobs.Judge(handle).Verdict == ShellProcessVerdict.Running && clock.GetElapsedTime(started) < grace)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            await KillAsync(handle, check.Pid, group, directory, sweep).ConfigureAwait(false);
            throw;
        }

        if (DetachedShellJobs.Judge(handle).Verdict == ShellProcessVerdict.Running)
        {
            await KillAsync(handle, check.Pid, group, directory, sweep).ConfigureAwait(false);
        }
        else
        {
            if (group)
            {
                DetachedShellJobs.Signal(check.Pid, group: true, Posix.SigKill);
            }

            ShellPredecessors.RecordCancelledWhileWaiting(directory);
        }
    }

    /// <summary>
    /// Stops one task: one not started yet is never started; a running one gets SIGTERM with everything it started, then
    /// SIGKILL after the grace period. The rest of the sweep goes on.
    /// </summary>
    /// <exception cref="JobBackendException">The handle names a process that cannot be the sweep's supervisor; nothing was signalled.</exception>
    public async Task CancelTaskAsync(JobHandle handle, SweepInfo sweep, int position, CancellationToken cancellationToken)
    {
        // A task is signalled only if it is in the sweep's session (numbered by the supervisor's pid, which Linux does not
        // give to another process while the session has members, even once the supervisor is gone): the records are
        // files, and a file may name any process.
        if (Target(handle, $"task {sweep.IndexOf(position)} of {handle.Key}") is not var (directory, check))
        {
            return;
        }

        var before = ShellSweepRecords.Read(directory, sweep.Tasks);
        if (before.Results.ContainsKey(position)
            || (check.Verdict == ShellProcessVerdict.Ended && !StillRunning(handle, before).Contains(position)))
        {
            return;
        }

        // The marker first, then the records: a position that starts meanwhile either sees the marker (its recorder checks
        // after writing its pid) or is seen here.
        MarkCancelled(directory, position.ToString(CultureInfo.InvariantCulture));

        // A started position may not have its pid recorded yet (its recorder then sees the marker and stops it), and a stopped
        // position's recorder writes its exit record just after the position ends: wait a moment for that record, so the caller
        // sees the position ended rather than still running.
        var stopped = false;
        var polled = TimeSpan.Zero;
        while (true)
        {
            var records = ShellSweepRecords.Read(directory, sweep.Tasks);
            if (records.Results.ContainsKey(position) || (!stopped && !records.Started.Contains(position)) || polled >= RecordWait)
            {
                return;
            }

            if (!stopped
                && records.Pids.TryGetValue(position, out var process)
                && ProcessProbe.Read(process.Pid) is { IsAlive: true } probe && probe.StartTicks == process.StartTicks
                && probe.Session == check.Pid)
            {
                await ProcessTree.StopAsync(process.Pid, process.StartTicks, grace, clock).ConfigureAwait(false);
                stopped = true;
                continue;
            }

            await Task.Delay(RecordPoll, clock, cancellationToken).ConfigureAwait(false);
            polled += RecordPoll;
        }
    }

    /// <summary>
    /// The started tasks without an exit record whose process still runs, in the sweep's session: after its supervisor
    /// alone was killed, each task's recorder still waits for its task and records its end.
    /// </summary>
    private static HashSet<int> StillRunning(JobHandle handle, ShellSweepRecords records)
    {
        var alive = new HashSet<int>();
        if (ShellRecord.IsBlockingJob(handle) || JsonText.Int64(handle.Metadata.GetValueOrDefault("pid")) is not { } session
            || ShellRecord.Of(handle).BootId is { } boot && boot != ProcessProbe.BootId)
        {
            return alive;
        }

        foreach (var (task, process) in records.Pids)
        {
            if (!records.Results.ContainsKey(task)
                && ProcessProbe.Read(process.Pid) is { IsAlive: true } probe
                && probe.StartTicks == process.StartTicks && probe.Session == session)
            {
                alive.Add(task);
            }
        }

        return alive;
    }

    /// <summary>
    /// The sweep's directory and the check of its supervisor, or null when there is nothing to signal (a blocking sweep, or
    /// a pid that another process has now).
    /// </summary>
    /// <exception cref="JobBackendException">The handle names a process that can never be signalled.</exception>
    private static (string Directory, ShellProcessCheck Check)? Target(JobHandle handle, string what)
    {
        var directory = ShellRecord.Of(handle).RunDirectory;
        if (ShellRecord.IsBlockingJob(handle) || directory is null)
        {
            return null;
        }

        var check = DetachedShellJobs.Judge(handle);
        return check.Verdict switch
        {
            ShellProcessVerdict.Refused or ShellProcessVerdict.NoPid => throw new JobBackendException($"cannot cancel {what}: {check.Reason}; nothing was signalled"),
            ShellProcessVerdict.NotTheJob => null,
            _ => (directory, check),
        };
    }

    /// <summary>A task's output file.</summary>
    public static IReadOnlyList<string> TaskLogFiles(JobHandle handle, int task) =>
        ShellRecord.Of(handle).RunDirectory is { } directory ? [Path.Combine(directory, "tasks", $"{task.ToString(CultureInfo.InvariantCulture)}.log")] : [];

    private static readonly ShellSweepRecords Empty = ShellSweepRecords.Parse(string.Empty, string.Empty, string.Empty, [], string.Empty, 0);

    private static void MarkCancelled(string directory, string name)
    {
        Directory.CreateDirectory(Path.Combine(directory, "cancel"));
        AtomicFile.WriteAllText(Path.Combine(directory, "cancel", name), string.Empty);
    }

    /// <summary>After the sweep was killed whole: each task that started and has no record was killed with it (137).</summary>
    private static void RecordKilled(string directory, int count)
    {
        ShellPredecessors.RecordCancelledWhileWaiting(directory);
        var records = ShellSweepRecords.Read(directory, count);
        var lines = records.Started.Where(t => !records.Results.ContainsKey(t)).Order()
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t} 137\n"));
        File.AppendAllText(Path.Combine(directory, "results"), string.Concat(lines));
        if (records.Done is null)
        {
            AtomicFile.WriteAllText(Path.Combine(directory, "done"), "1\n");
        }
    }

    private async Task KillAsync(JobHandle handle, int pid, bool group, string directory, SweepInfo sweep)
    {
        DetachedShellJobs.Signal(pid, group, Posix.SigKill);
        var started = clock.GetTimestamp();
        while (DetachedShellJobs.Judge(handle).Verdict == ShellProcessVerdict.Running && clock.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), clock, CancellationToken.None).ConfigureAwait(false);
        }

        RecordKilled(directory, sweep.Tasks);
    }
}
