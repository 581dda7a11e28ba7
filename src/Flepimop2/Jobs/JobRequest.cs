using Flepimop2.Commands;

namespace Flepimop2.Jobs;

/// <summary>
/// One submission: the command to run as the job, and how to submit it. Options that belong to a single submission rather
/// than to the runner's configuration are added here, so runners take them without new method signatures.
/// </summary>
/// <param name="Command">The command the job runs.</param>
public sealed record JobRequest(CliCommand Command)
{
    /// <summary>The most tasks one sweep may have.</summary>
    public const int MaxTasks = 100_000;

    /// <summary>Prepare everything (resolve, render, write scripts) and stop just before submitting.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// For a sweep, its tasks in order: task <c>i</c> runs <c>Tasks[i]</c> with <c>FLEPIMOP2_TASK_INDEX=i</c> and
    /// <c>FLEPIMOP2_TASK_COUNT</c> set in its environment. Null for an ordinary job. One submission, one handle, however many.
    /// </summary>
    public IReadOnlyList<CliCommand>? Tasks { get; init; }

    /// <summary>
    /// For a sweep, the <c>FLEPIMOP2_TASK_INDEX</c> each task runs with, by position (distinct, from 0); null when it is the
    /// position. A retry of some tasks of another sweep keeps their first indices, and the new sweep names its tasks by them.
    /// </summary>
    public IReadOnlyList<int>? TaskIndices { get; init; }

    /// <summary>For a sweep, the <c>FLEPIMOP2_TASK_COUNT</c> its tasks see; the number of tasks when null.</summary>
    public int? TaskCount { get; init; }

    /// <summary>At most this many of a sweep's tasks run at once; no limit of flepimop2's own when null.</summary>
    /// <remarks>For a packed sweep (<see cref="TasksPerJob"/>), the limit counts the scheduler's tasks, each running its pack.</remarks>
    public int? MaxParallel { get; init; }

    /// <summary>
    /// For a sweep, how many of its tasks each scheduler task runs, one after another (a packed sweep): N tasks become
    /// ⌈N / M⌉ array tasks. Each task still has its own index, exit record, log and status. The runner's
    /// <c>tasks-per-job</c> when null, else 1.
    /// </summary>
    public int? TasksPerJob { get; init; }

    /// <summary>
    /// The jobs this one waits for, on the same backend: it starts only once each has ended, and for a
    /// <see cref="DependencyCondition.Succeeded"/> one only if it succeeded (every task of a sweep); otherwise it ends failed
    /// without running. Empty for a job that waits for nothing.
    /// </summary>
    public IReadOnlyList<JobDependency> After { get; init; } = [];

    /// <summary>The key of the job this submission tries again, recorded in the new handle as <c>retry_of</c>; null for a first try.</summary>
    public string? RetryOf { get; init; }

    /// <summary>
    /// Records the job before it can start: called with its handle once the backend holds the job (a batch job submitted
    /// held, a shell job's process waiting to be told to run) and before the job is released. If it throws, the job is
    /// withdrawn (cancelled, or its process told to end without running) and the exception is thrown from the submission,
    /// so that no job runs that its caller did not record. Null: the job is released at once.
    /// </summary>
    public Func<JobHandle, CancellationToken, Task>? BeforeRelease { get; init; }

    /// <summary>
    /// The configuration file the submission comes from, recorded in the job's provenance (its hash, a copy, its repository's
    /// commit); the command's own configuration (<see cref="CliCommand.Config"/>) when null.
    /// </summary>
    public string? ConfigPath { get; init; }

    /// <summary>Whether this is a sweep.</summary>
    public bool IsSweep => Tasks is not null;

    /// <summary>Every command the submission runs: the sweep's tasks, or the one command.</summary>
    internal IReadOnlyList<CliCommand> Commands => Tasks ?? [Command];

    /// <summary>Whether some command of the submission runs flepimop2, and so needs the runner's flepimop2 prefix.</summary>
    internal bool RunsFlepimop2 => Commands.Any(c => c.RunsFlepimop2);

    /// <summary>
    /// Whether some command starts this very program: one that runs flepimop2, or a recorded one whose argv begins with
    /// this program's (a sweep's retry runs its task table's command lines as they were, prefix included).
    /// </summary>
    internal bool StartsThisProgram
    {
        get
        {
            if (RunsFlepimop2)
            {
                return true;
            }

            var program = Subprocesses.Executables.CurrentProgram();
            return Commands.Any(c => c.CommandLine([]) is var argv && argv.Count >= program.Count && argv.Take(program.Count).SequenceEqual(program, StringComparer.Ordinal));
        }
    }

    /// <summary>A sweep of tasks, submitted as one job.</summary>
    /// <param name="tasks">The tasks, at least one and at most <see cref="MaxTasks"/>.</param>
    /// <param name="maxParallel">At most this many run at once, or null.</param>
    /// <returns>The request.</returns>
    public static JobRequest Sweep(IReadOnlyList<CliCommand> tasks, int? maxParallel = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentOutOfRangeException.ThrowIfZero(tasks.Count);
        return new JobRequest(tasks[0]) { Tasks = tasks, MaxParallel = maxParallel };
    }
}
