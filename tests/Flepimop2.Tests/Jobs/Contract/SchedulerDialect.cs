using Flepimop2.Jobs;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>A way a job is, or ended, that the contract checks the status detail of.</summary>
public enum Ending
{
    Running,
    Completed,
    Failed,
    Cancelled,
    TimedOut,
}

/// <summary>
/// What differs between schedulers where the contract's tests are the same: how a runner is built, the words of their
/// states, their logs' and tasks' names, their shortest time limit, the tools of a batched status. The real scheduler and
/// its scripted stand-in share one dialect, so the stand-in is held to what the real one does.
/// </summary>
internal abstract class SchedulerDialect
{
    /// <summary>The backend's one runner factory.</summary>
    public abstract JobRunner Create(RunnerSettings settings);

    /// <summary>The tool that submits (which a dry run must not call).</summary>
    public abstract string SubmitTool { get; }

    /// <summary>The tools one status round of many jobs calls, in order.</summary>
    public abstract IReadOnlyList<string> BatchedStatusCalls { get; }

    /// <summary>Entries the status detail holds for a job that is, or ended, so.</summary>
    public abstract IReadOnlyDictionary<string, string> Detail(Ending ending);

    /// <summary>The shortest time limit the scheduler enforces, and what status says of a job that reached it.</summary>
    public abstract TimeLimitCase TimeLimit { get; }

    /// <summary>What the scheduler says, in the error of a submission, of a queue (partition) named <c>nope</c>.</summary>
    public abstract string Refusal { get; }

    /// <summary>The log a job writes (<paramref name="task"/> null), or a task of a sweep, in <paramref name="directory"/>.</summary>
    public abstract string LogFile(string directory, JobHandle handle, int? task = null);

    /// <summary>The scheduler's id of a sweep's task.</summary>
    public abstract string TaskId(JobHandle handle, int task);

    /// <summary>What the command line of a dry run of three tasks, two at once, holds, with the script it wrote.</summary>
    public abstract string DryRunCommand(string script);

    /// <summary>Whether the scheduler still holds any task of the job, asked with its own tool (not through the runner).</summary>
    public abstract Task<bool> HoldsAsync(IProcessRunner tools, JobHandle handle);
}

/// <summary>A time limit: the runner's <c>time</c> option for it, its seconds, the start of the reason of a job that reached it, and the time to retry with.</summary>
internal sealed record TimeLimitCase(string Option, long Seconds, string Reason, string Retry);
