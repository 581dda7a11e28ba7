using System.Globalization;
using System.Text;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Batch;

/// <summary>
/// A submission to a scheduler, the same for every one: the predecessors are checked, the script (and a sweep's task
/// table) written, then either the dry run described or each unit submitted; if one unit of a sweep is refused, those
/// already submitted are cancelled, so that nothing runs untracked. Last, the handle records where everything is.
/// </summary>
internal sealed class BatchSubmitter(BatchJobRunner runner)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public async Task<JobSubmission> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var options = runner.BatchOptions;
        var chdir = Path.GetFullPath(options.Chdir ?? Environment.CurrentDirectory);
        await RefuseForgottenFailuresAsync(request, cancellationToken).ConfigureAwait(false);
        var program = runner.ProgramPrefix(request);
        var run = Path.Join(RunsDirectory(chdir), $"{JobKey.Sanitize(runner.JobName(request.Commands))}.{JobIds.New()}");

        // Rendered before anything is created, so that a command the script cannot carry leaves nothing behind.
        var submission = Prepare(request, chdir, run);
        var logs = runner.LogPatterns(submission);
        var (plan, note) = request.IsSweep
            ? await runner.PlanAsync(submission, cancellationToken).ConfigureAwait(false)
            : ([], null);
        var script = Render(submission, logs, program);
        SubmissionFiles.Write(run, () =>
        {
            DiskWrites.Run(run, () => Directory.CreateDirectory(request.IsSweep ? ExitRecording.TaskRecords(run) : run));
            if (submission.Packed)
            {
                DiskWrites.Run(run, () => Directory.CreateDirectory(ExitRecording.TaskLogs(run)));
                DiskWrites.Run(run, () => Directory.CreateDirectory(ExitRecording.CancelMarks(run)));
            }

            if (submission.Table is { } table)
            {
                TaskTable.Write(table, [.. submission.Commands.Select(t => t.CommandLine(program))], request.TaskIndices);
            }

            DiskWrites.Run(submission.ScriptPath, () => AtomicFile.WriteAllBytes(submission.ScriptPath, Utf8.GetBytes(script)));
        });
        return request.DryRun
            ? DryRun(submission, logs, plan, note, program)
            : await ReleaseAsync(submission, logs, plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a submission settles before it writes anything: in its run directory <paramref name="run"/>, its script and a sweep's table.</summary>
    public BatchSubmission Prepare(JobRequest request, string chdir, string run) =>
        new(
            request,
            chdir,
            run,
            Path.Join(run, "job.sh"),
            request.IsSweep ? Path.Join(run, "tasks") : null,
            runner.JobName(request.Commands),
            BatchPredecessors.From(request, runner.PredecessorIds),
            request.IsSweep ? request.MaxParallel ?? runner.BatchOptions.MaxParallel : null,
            request.Tasks is { } tasks ? Math.Min(request.TasksPerJob ?? runner.BatchOptions.TasksPerJob ?? 1, tasks.Count) : 1);

    /// <summary>The whole script of a submission. Pure: it touches no file.</summary>
    public string Render(BatchSubmission submission, BatchLogs logs, IReadOnlyList<string> program)
    {
        var options = runner.BatchOptions;
        var scheduler = runner.Scheduler;
        string comment;
        string commandLine;
        BatchScriptSweep? sweep = null;
        if (submission.Table is { } table)
        {
            comment = submission.Packed
                ? string.Create(CultureInfo.InvariantCulture, $"# Written by flepimop2 to run a sweep of {submission.Commands.Count} tasks as {scheduler} array jobs, {submission.TasksPerJob} tasks to an\n")
                    + "# array task, one after another. Each array task finds its first position in the sweep; each of its tasks\n"
                    + "# reads its argv from the task table (every argument ended by a NUL byte, found through the table's index, read\n"
                    + "# as it is), and writes its own exit record and log.\n"
                : string.Create(CultureInfo.InvariantCulture, $"# Written by flepimop2 to run a sweep of {submission.Commands.Count} tasks as {scheduler} array jobs. Each task finds\n")
                    + "# its position in the sweep, and reads its argv from the task table: every argument ended by a NUL byte,\n"
                    + "# found through the table's index, read as it is.\n";
            commandLine = BatchScript.SweepCommandLine;
            sweep = new BatchScriptSweep(runner.SweepPositionCode, table, submission.TaskCount) { Tasks = submission.Commands.Count, TasksPerJob = submission.TasksPerJob };
        }
        else
        {
            var argv = submission.Request.Command.CommandLine(program);
            BatchScript.CheckArguments([argv]);
            comment = $"# Written by flepimop2 to run one command as a {scheduler} job.\n";
            commandLine = BatchScript.CommandLine(argv);
        }

        return BatchScript.Render(new BatchScriptParts(
            runner.Directives(submission, logs),
            comment,
            sweep,
            runner.Checks(submission),
            options.Debug,
            options.PreCommands,
            commandLine,
            options.PostCommands,
            Executables.CommandLineProgram(),
            submission.RunDirectory));
    }

    /// <summary>
    /// Where run directories go: the configured directory; else the job's working directory's
    /// <c>.flepimop2_cache/job/BACKEND</c>, which the nodes share: they read a sweep's table there and write exit records.
    /// </summary>
    private string RunsDirectory(string chdir) =>
        runner.BatchOptions.ScriptDirectory is { } configured ? Path.GetFullPath(configured) : Path.Combine(chdir, ".flepimop2_cache", "job", runner.Backend);

    private JobDryRun DryRun(BatchSubmission submission, BatchLogs logs, IReadOnlyList<BatchUnit> plan, string? note, IReadOnlyList<string> program)
    {
        var details = new Dictionary<string, string>
        {
            ["script"] = submission.ScriptPath,
            ["run_dir"] = submission.RunDirectory,
            ["chdir"] = submission.Chdir,
            ["job_name"] = submission.JobName,
            ["output"] = logs.Output,
        };
        if (submission.Table is not { } table)
        {
            return new JobDryRun(ShellQuote.Join(runner.SubmitArgv(submission, logs, null, null)), details);
        }

        details["task_table"] = table;
        details["first_task"] = ShellQuote.Join(submission.Commands[0].CommandLine(program));
        details["tasks"] = submission.Commands.Count.ToString(CultureInfo.InvariantCulture);
        details["arrays"] = string.Join(", ", plan.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.First}-{p.First + p.Count - 1}")));
        details["max_parallel"] = submission.MaxParallel?.ToString(CultureInfo.InvariantCulture) ?? "all";
        if (submission.Packed)
        {
            details["tasks_per_job"] = submission.TasksPerJob.ToString(CultureInfo.InvariantCulture);
            details["array_tasks"] = submission.Slots.ToString(CultureInfo.InvariantCulture);
        }

        if (note is not null)
        {
            details["note"] = note;
        }

        var more = plan.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {plan.Count - 1} more arrays)") : string.Empty;
        return new JobDryRun(ShellQuote.Join(runner.SubmitArgv(submission, logs, plan[0], null)) + more, details);
    }

    private async Task<JobHandle> ReleaseAsync(BatchSubmission submission, BatchLogs logs, IReadOnlyList<BatchUnit> plan, CancellationToken cancellationToken)
    {
        var submittedAt = IsoTime.Now(runner.Clock);
        var units = new List<BatchUnit>(plan.Count);
        string? cluster = null;
        string jobId;
        var hold = submission.Request.BeforeRelease is not null;
        if (submission.Table is null)
        {
            (jobId, cluster) = await runner.SubmitAsync(Held(runner.SubmitArgv(submission, logs, null, null), hold), submission.ScriptPath, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                foreach (var unit in plan)
                {
                    var argv = Held(runner.SubmitArgv(submission, logs, unit, units.Count > 0 ? units[^1].JobId : null), hold);
                    var (id, submittedTo) = await runner.SubmitAsync(argv, submission.ScriptPath, cancellationToken).ConfigureAwait(false);
                    cluster ??= submittedTo;
                    units.Add(unit with { JobId = id });
                }
            }
            catch (Exception ex) when (units.Count > 0 && ex is JobBackendException or OperationCanceledException)
            {
                throw await UndoAsync(units, cluster, ex, cancellationToken).ConfigureAwait(false);
            }

            jobId = units[0].JobId;
        }

        var record = submission.Table is null
            ? new BatchRecord(
                submission.ScriptPath,
                submission.JobName,
                submission.Chdir,
                Output: runner.ExpandLog(logs.Output, jobId, submission.JobName, submission.Chdir, null),
                Error: logs.Error is { } error ? runner.ExpandLog(error, jobId, submission.JobName, submission.Chdir, null) : null,
                Cluster: cluster,
                RunDirectory: submission.RunDirectory)
            : new BatchRecord(
                submission.ScriptPath,
                submission.JobName,
                submission.Chdir,
                OutputPattern: logs.Output,
                ErrorPattern: logs.Error,
                TaskTable: submission.Table,
                Cluster: cluster,
                RunDirectory: submission.RunDirectory);
        var metadata = record.ToMetadata();
        if (submission.Table is not null)
        {
            metadata[BatchUnit.Key] = BatchUnit.ToJson(units);
            metadata[SweepInfo.Key] = SweepInfo.Of(submission.Request, submission.MaxParallel, submission.TasksPerJob).ToJson();
        }

        if (submission.Predecessors.Count > 0)
        {
            metadata[BatchPredecessors.MetadataKey] = BatchPredecessors.ToMetadata(submission.Predecessors);
        }

        var handle = new JobHandle(jobId, runner.Backend, submittedAt) { Metadata = metadata };
        if (submission.Request.BeforeRelease is { } recordIt)
        {
            IReadOnlyList<string> ids = submission.Table is null ? [jobId] : [.. units.Select(u => u.JobId)];
            await RecordThenReleaseAsync(handle, ids, cluster, recordIt, cancellationToken).ConfigureAwait(false);
        }

        return handle;
    }

    /// <summary>The submit command line, holding the job when it is to be recorded before it can start.</summary>
    private string[] Held(string[] argv, bool hold) => hold ? [argv[0], runner.HoldOption, .. argv[1..]] : argv;

    /// <summary>
    /// The jobs were submitted held: the caller records them, then they are released. A record that fails withdraws them
    /// (they never ran); a release that fails leaves them recorded and held, and says how to release them.
    /// </summary>
    private async Task RecordThenReleaseAsync(JobHandle handle, IReadOnlyList<string> ids, string? cluster, Func<JobHandle, CancellationToken, Task> recordIt, CancellationToken cancellationToken)
    {
        try
        {
            await recordIt(handle, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var undo = $"it was submitted held as {string.Join(", ", ids)} and withdrawn, so it never ran";
            try
            {
                await runner.CancelJobsAsync(ids, cluster, CancellationToken.None).ConfigureAwait(false);
            }
            catch (JobBackendException cancel)
            {
                undo = $"it was submitted held as {string.Join(", ", ids)} and could not be withdrawn ({cancel.Message}); it stays held until you cancel it with {runner.CancelTool}";
            }

            throw new Flepimop2Exception($"{handle.Key} was not recorded ({ex.Message}); {undo}", ex);
        }

        try
        {
            // Not cancellable: the job is recorded now, and a record of a job held for ever helps nobody.
            await runner.ReleaseJobsAsync(ids, cluster, CancellationToken.None).ConfigureAwait(false);
        }
        catch (JobBackendException ex)
        {
            throw new JobBackendException(
                $"{handle.Key} is recorded but still held ({ex.Message}); release it with {runner.ReleaseTool} {string.Join(' ', ids)}",
                ex.Command,
                ex.ExitCode,
                ex);
        }
    }

    /// <summary>After a sweep's submission failed part way: cancels the units already submitted, and says so in the error.</summary>
    private async Task<Exception> UndoAsync(List<BatchUnit> units, string? cluster, Exception failure, CancellationToken cancellationToken)
    {
        var ids = units.Select(a => a.JobId).ToList();
        var undo = $"what was already submitted of the sweep (array {string.Join(", ", ids)}) was cancelled, so none of it runs";
        try
        {
            await runner.CancelJobsAsync(ids, cluster, CancellationToken.None).ConfigureAwait(false);
        }
        catch (JobBackendException cancel)
        {
            undo = $"what was already submitted of the sweep (array {string.Join(", ", ids)}) could not be cancelled ({cancel.Message}); cancel it with {runner.CancelTool}";
        }

        return failure is JobBackendException backend
            ? new JobBackendException($"{backend.Message}; {undo}", backend.Command, backend.ExitCode, backend)
            : new OperationCanceledException($"submission interrupted; {undo}", failure, cancellationToken);
    }

    /// <summary>
    /// A scheduler that takes a dependency on a job it no longer holds as met (Slurm, for a job that ended more than
    /// <c>MinJobAge</c> ago) would run a job whose predecessor failed long ago: such a submission is refused, naming the
    /// predecessor. One that failed a moment ago is still held, and the scheduler ends the dependent job itself.
    /// </summary>
    /// <exception cref="Flepimop2ValidationException">A predecessor that must succeed ended otherwise, and the scheduler has forgotten it.</exception>
    private async Task RefuseForgottenFailuresAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var mustSucceed = request.After
            .Where(d => d.Condition == DependencyCondition.Succeeded && d.Handle.Backend == runner.Backend)
            .Select(d => d.Handle)
            .ToList();
        if (mustSucceed.Count == 0 || await runner.HeldAsync(mustSucceed, cancellationToken).ConfigureAwait(false) is not { } held)
        {
            return;
        }

        var forgotten = mustSucceed.Where(p => !runner.PredecessorIds(p).Any(held.Contains)).ToList();
        if (forgotten.Count == 0)
        {
            return;
        }

        var issues = new List<ValidationIssue>();
        foreach (var status in await runner.StatusManyAsync(forgotten, cancellationToken).ConfigureAwait(false))
        {
            if (status.Status.IsFinished() && status.Status != JobStatus.Successful)
            {
                issues.Add(new ValidationIssue(
                    $"{status.Key} did not succeed ({status.Status.ToWireName()}), and this job runs only after it succeeds; {runner.Scheduler} no longer holds {status.Key}, so it would run this job anyway: nothing was submitted (retry {status.Key} first, or use --after-any)",
                    "failed_dependency",
                    new Dictionary<string, string> { ["after"] = status.Key }));
            }
        }

        if (issues.Count > 0)
        {
            throw new Flepimop2ValidationException(issues);
        }
    }
}
