using System.Diagnostics;

namespace Flepimop2.Tests.Jobs.Scripted;

/// <summary>Where a scripted job or array task is: waiting, running as a process, ended, or gone without a trace.</summary>
internal enum TaskState
{
    Pending,
    Running,
    Ended,

    /// <summary>Deleted before it started, leaving no record (a Grid Engine job, a Slurm array task cancelled on its own).</summary>
    Removed,
}

/// <summary>Why the scheduler ended a task that did not end on its own.</summary>
internal enum Stop
{
    None,
    Cancelled,
    TimedOut,
    OutOfMemory,

    /// <summary>A job that can never run: a predecessor that had to succeed did not (Slurm's <c>--kill-on-invalid-dep</c>).</summary>
    DependencyNeverSatisfied,
}

/// <summary>One job submitted to a stand-in: a plain job has one task, an array job one per index.</summary>
internal class ScriptedJob
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The program and arguments that run the script (its interpreter first).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    public required string WorkingDirectory { get; init; }

    public DateTimeOffset Submitted { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The time limit in the scheduler's seconds (see <see cref="ScriptedScheduler.TimeScale"/>); null for none.</summary>
    public long? LimitSeconds { get; init; }

    /// <summary>The memory limit in bytes; null for none.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>The most tasks of the array that run at once; null for no limit.</summary>
    public int? Cap { get; init; }

    public bool IsArray { get; init; }

    public List<ScriptedTask> Tasks { get; } = [];

    public bool AllGone => Tasks.All(t => t.State is TaskState.Ended or TaskState.Removed);
}

/// <summary>One task of a scripted job, and once it runs, the process group of its script.</summary>
internal sealed class ScriptedTask
{
    public required ScriptedJob Job { get; init; }

    /// <summary>Its array index (Slurm's from 0, Grid Engine's from 1); null for a plain job.</summary>
    public int? Index { get; init; }

    public TaskState State { get; set; } = TaskState.Pending;

    public Stop Stop { get; set; }

    /// <summary>The id the scheduler gave it when it started (Slurm gives each started array task its own).</summary>
    public string? RawId { get; set; }

    public Process? Process { get; set; }

    public int Pid { get; set; }

    public DateTimeOffset? Started { get; set; }

    public DateTimeOffset? Ended { get; set; }

    public int ExitCode { get; set; }

    /// <summary>The signal that ended it, when the scheduler sent it; 0 otherwise.</summary>
    public int Signal { get; set; }

    /// <summary>The signal the scheduler sent last, to tell a kill from an exit code of 128 + N.</summary>
    public int SentSignal { get; set; }

    /// <summary>The largest resident memory and virtual memory its processes held together, as sampled.</summary>
    public long PeakRssBytes { get; set; }

    public long PeakVmemBytes { get; set; }

    /// <summary>CPU time its processes used, as last sampled (real seconds, not scaled).</summary>
    public double CpuSeconds { get; set; }

    /// <summary>Grid Engine: it exited 100 and waits in <c>Eqw</c> until deleted.</summary>
    public bool InError { get; set; }

    /// <summary>Timers of this task (time limit, kill after the grace): stopped when it ends.</summary>
    public List<IDisposable> Timers { get; } = [];
}
