using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Flepimop2.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Scripted;

/// <summary>
/// What the scripted stand-ins of a scheduler share: a table of jobs whose batch scripts really run, each task as a bash
/// process in a session of its own (so that it and its children are signalled together), at most <see cref="Slots"/> at
/// once and at most a job's cap of its array; a clock that runs <see cref="TimeScale"/> times faster for time limits and
/// reported durations; and a sampler of each task's memory. Each tool call is answered in process, under one lock, in the
/// formats the real tools print. Every process still running is killed when the stand-in is disposed.
/// </summary>
internal abstract class ScriptedScheduler : IProcessRunner, IDisposable
{
    /// <summary>Sends the script's output to its files (truncated or appended), with an address-space limit if given, then runs it.</summary>
    private const string Wrapper =
        "out=$1 err=$2 mode=$3 vmem=$4; shift 4\n" +
        "exec </dev/null\n" +
        "if [ -n \"$vmem\" ]; then ulimit -v \"$vmem\" || exit 1; fi\n" +
        "if [ \"$mode\" = append ]; then exec >>\"$out\"; else exec >\"$out\"; fi\n" +
        "if [ \"$err\" = \"$out\" ]; then exec 2>&1; elif [ \"$mode\" = append ]; then exec 2>>\"$err\"; else exec 2>\"$err\"; fi\n" +
        "exec \"$@\"\n";

    private const int SigKill = 9;
    private const int PageSize = 4096;
    private const double TicksPerSecond = 100;

    private readonly Lock _gate = new();
    private readonly List<ScriptedJob> _jobs = [];
    private readonly Dictionary<string, ProcessResult> _faults = new(StringComparer.Ordinal);
    private readonly Timer _sampler;

    /// <summary>What went wrong on a timer or at a process's exit, where nobody would see it: the next call of a tool fails with it.</summary>
    private readonly ConcurrentQueue<Exception> _errors = new();
    private long _nextId;
    private bool _disposed;

    protected ScriptedScheduler(string directory, long firstId)
    {
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        _nextId = firstId;
        _sampler = new Timer(_ => Guarded(Sample), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The stand-in's own files (a Grid Engine cell's accounting, for one).</summary>
    public string Directory { get; }

    /// <summary>Scheduler seconds per real second: at 60, a one-minute limit is enforced after one second, and a job that ran two seconds reports two minutes.</summary>
    public double TimeScale { get; init; } = 60;

    /// <summary>How many tasks run at once, as on the real node (16 CPUs declared, 16 slots).</summary>
    public int Slots { get; init; } = 16;

    /// <summary>Every call, in order.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> Calls { get; } = new();

    /// <summary>The user the jobs run as, as the tools print it.</summary>
    protected static string User => Environment.UserName;

    /// <summary>What a runner that submits to this stand-in is built with, its jobs in <paramref name="directory"/>.</summary>
    public virtual RunnerSettings Settings(string directory) =>
        new() { Directory = directory, Tools = this, FindTool = tool => "/usr/bin/" + tool };

    /// <summary>From now on <paramref name="tool"/> answers only with this error (as <c>sacct</c> does when slurmdbd is down).</summary>
    public void Refuse(string tool, int exitCode, string stderr)
    {
        lock (_gate)
        {
            _faults[tool] = new ProcessResult(exitCode, string.Empty, stderr);
        }
    }

    /// <summary>Makes <paramref name="tool"/> answer normally again.</summary>
    public void Heal(string tool)
    {
        lock (_gate)
        {
            _faults.Remove(tool);
        }
    }

    public Task<ProcessResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        Calls.Enqueue(argv);
        if (_errors.TryPeek(out var error))
        {
            throw new InvalidOperationException($"the scripted scheduler failed: {error.Message}", error);
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_faults.TryGetValue(argv[0], out var fault))
            {
                return Task.FromResult(fault);
            }

            var answer = Answer(argv);
            Pump();
            return Task.FromResult(answer);
        }
    }

    public void Dispose()
    {
        List<ScriptedTask> running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            running = [.. _jobs.SelectMany(j => j.Tasks).Where(t => t.State == TaskState.Running)];
            foreach (var task in running)
            {
                StopTimers(task);
                Signal(task, SigKill);
            }
        }

        _sampler.Dispose();

        // Wait for them to be gone, so that the test's directory can be removed.
        foreach (var task in running)
        {
            task.Process?.WaitForExit(TimeSpan.FromSeconds(5));
            task.Process?.Dispose();
        }
    }

    /// <summary>Answers one call of a tool (under the lock); the scheduler then starts what may start.</summary>
    protected abstract ProcessResult Answer(IReadOnlyList<string> argv);

    /// <summary>Whether a job's dependencies let its tasks start, keep them waiting, or can never be met.</summary>
    protected abstract Readiness ReadinessOf(ScriptedJob job);

    /// <summary>What a job whose dependencies can never be met becomes.</summary>
    protected abstract void NeverReady(ScriptedJob job);

    /// <summary>How a task runs: its environment, and where its output goes.</summary>
    protected abstract Launch Launch(ScriptedTask task);

    /// <summary>A task reached its time limit.</summary>
    protected abstract void TimedOut(ScriptedTask task);

    /// <summary>A task's processes were sampled (its peaks are updated already).</summary>
    protected virtual void Sampled(ScriptedTask task, long rssBytes, long vmemBytes)
    {
    }

    /// <summary>A task has ended (its end, exit code and signal are set): what the scheduler records of it.</summary>
    protected virtual void Ended(ScriptedTask task)
    {
    }

    /// <summary>Every job so far, in submission order.</summary>
    protected IReadOnlyList<ScriptedJob> Jobs => _jobs;

    /// <summary>A new job id.</summary>
    protected string NextId() => (_nextId++).ToString(CultureInfo.InvariantCulture);

    protected void Add(ScriptedJob job) => _jobs.Add(job);

    protected ScriptedJob? Find(string id) => _jobs.FirstOrDefault(j => j.Id == id);

    /// <summary>How long a task ran, or has run so far, in the scheduler's seconds.</summary>
    protected long ElapsedSeconds(ScriptedTask task) =>
        task.Started is not { } start ? 0 : (long)Math.Ceiling(((task.Ended ?? DateTimeOffset.UtcNow) - start).TotalSeconds * TimeScale);

    /// <summary>A span of the scheduler's time, in real time.</summary>
    protected TimeSpan Real(double schedulerSeconds) => TimeSpan.FromSeconds(schedulerSeconds / TimeScale);

    /// <summary>Ends a task on the scheduler's behalf: a pending one at once, a running one with <paramref name="signal"/>, and SIGKILL after <paramref name="grace"/> (scheduler seconds) if it is still there.</summary>
    protected void Kill(ScriptedTask task, Stop why, int signal, double grace = 0)
    {
        if (task.State == TaskState.Pending)
        {
            task.Stop = why;
            task.State = TaskState.Ended;
            task.Ended = DateTimeOffset.UtcNow;
            return;
        }

        if (task.State != TaskState.Running)
        {
            return;
        }

        task.Stop = task.Stop == Stop.None ? why : task.Stop;
        task.SentSignal = signal;
        Signal(task, signal);
        if (signal != SigKill)
        {
            Later(task, Real(grace), () =>
            {
                if (task.State == TaskState.Running)
                {
                    task.SentSignal = SigKill;
                    Signal(task, SigKill);
                }
            });
        }
    }

    /// <summary>Numbers in order, as runs of consecutive ones (tools print them as ranges).</summary>
    protected static List<(int From, int To)> Runs(IEnumerable<int> numbers)
    {
        var runs = new List<(int From, int To)>();
        foreach (var number in numbers.Order())
        {
            if (runs.Count > 0 && runs[^1].To == number - 1)
            {
                runs[^1] = (runs[^1].From, number);
            }
            else
            {
                runs.Add((number, number));
            }
        }

        return runs;
    }

    /// <summary>Starts what may start: jobs in submission order, each task in index order, within the slots and each array's cap.</summary>
    protected void Pump()
    {
        if (_disposed)
        {
            return;
        }

        var running = _jobs.Sum(j => j.Tasks.Count(t => t.State == TaskState.Running));
        foreach (var job in _jobs.Where(j => j.Tasks.Any(t => t.State == TaskState.Pending)))
        {
            var readiness = ReadinessOf(job);
            if (readiness == Readiness.Never)
            {
                NeverReady(job);
                continue;
            }

            if (readiness == Readiness.Wait)
            {
                continue;
            }

            foreach (var task in job.Tasks.Where(t => t.State == TaskState.Pending).ToList())
            {
                if (running >= Slots || (job.Cap is { } cap && job.Tasks.Count(t => t.State == TaskState.Running) >= cap))
                {
                    break;
                }

                Start(task);
                running++;
            }
        }
    }

    private void Start(ScriptedTask task)
    {
        var launch = Launch(task);
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = task.Job.WorkingDirectory };
        foreach (var arg in (string[])["/bin/bash", "-c", Wrapper, "scripted-task", launch.Output, launch.Error ?? launch.Output, launch.Append ? "append" : "truncate", launch.VmemKiB?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, .. task.Job.Command])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Exited += (_, _) => Guarded(() => OnExit(task));
        task.State = TaskState.Running;
        task.Started = DateTimeOffset.UtcNow;
        task.Process = process;
        process.Start();
        task.Pid = process.Id;
        if (task.Job.LimitSeconds is { } limit)
        {
            Later(task, Real(limit), () =>
            {
                if (task.State == TaskState.Running)
                {
                    TimedOut(task);
                }
            });
        }
    }

    private void OnExit(ScriptedTask task)
    {
        lock (_gate)
        {
            if (task.State != TaskState.Running)
            {
                return;
            }

            StopTimers(task);
            task.Ended = DateTimeOffset.UtcNow;
            var code = task.Process!.ExitCode;
            if (task.SentSignal != 0 && code == 128 + task.SentSignal)
            {
                task.Signal = task.SentSignal;
                task.ExitCode = 0;
            }
            else
            {
                task.ExitCode = code;
            }

            task.State = TaskState.Ended;
            if (!_disposed)
            {
                Ended(task);
                Pump();
            }
        }
    }

    private void Later(ScriptedTask task, TimeSpan after, Action action) =>
        task.Timers.Add(new Timer(
            _ => Guarded(() =>
            {
                lock (_gate)
                {
                    if (!_disposed)
                    {
                        action();
                        Pump();
                    }
                }
            }),
            null,
            after,
            Timeout.InfiniteTimeSpan));

    /// <summary>Runs what a timer or an exit does, keeping what it throws for the next call instead of ending the test host.</summary>
    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            _errors.Enqueue(ex);
        }
    }

    private static void StopTimers(ScriptedTask task)
    {
        foreach (var timer in task.Timers)
        {
            timer.Dispose();
        }

        task.Timers.Clear();
    }

    /// <summary>Signals the task's session (its process group), and the process itself in case it has not made its session yet.</summary>
    private static void Signal(ScriptedTask task, int signal)
    {
        try
        {
            if (!Posix.SignalGroup(task.Pid, signal))
            {
                Posix.SignalProcess(task.Pid, signal);
            }
        }
        catch (Flepimop2Exception)
        {
            // It is gone, or was never ours to signal.
        }
    }

    /// <summary>Adds up the memory and CPU time of each running task's processes (those of its session), once for all of them.</summary>
    private void Sample()
    {
        Dictionary<int, ScriptedTask> running;
        lock (_gate)
        {
            running = _jobs.SelectMany(j => j.Tasks).Where(t => t.State == TaskState.Running && t.Pid > 0).ToDictionary(t => t.Pid);
        }

        if (running.Count == 0)
        {
            return;
        }

        var sums = new Dictionary<int, (long Rss, long Vmem, long Ticks)>();
        foreach (var path in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out _) || ReadStat(path) is not { } stat || !running.ContainsKey(stat.Session))
            {
                continue;
            }

            var sum = sums.GetValueOrDefault(stat.Session);
            sums[stat.Session] = (sum.Rss + stat.Rss, sum.Vmem + stat.Vmem, sum.Ticks + stat.Ticks);
        }

        lock (_gate)
        {
            foreach (var (session, (rss, vmem, ticks)) in sums)
            {
                var task = running[session];
                if (task.State != TaskState.Running || _disposed)
                {
                    continue;
                }

                task.PeakRssBytes = Math.Max(task.PeakRssBytes, rss);
                task.PeakVmemBytes = Math.Max(task.PeakVmemBytes, vmem);
                task.CpuSeconds = Math.Max(task.CpuSeconds, ticks / TicksPerSecond);
                Sampled(task, rss, vmem);
            }

            Pump();
        }
    }

    /// <summary>The session, resident and virtual memory, and CPU ticks of one process, from <c>/proc/PID/stat</c>.</summary>
    private static (int Session, long Rss, long Vmem, long Ticks)? ReadStat(string path)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(path, "stat"));
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (
                int.Parse(fields[3], CultureInfo.InvariantCulture),
                long.Parse(fields[21], CultureInfo.InvariantCulture) * PageSize,
                long.Parse(fields[20], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            // The process ended while it was read.
            return null;
        }
    }
}

/// <summary>Whether a job's dependencies let it start.</summary>
internal enum Readiness
{
    Go,
    Wait,
    Never,
}

/// <summary>How one task runs: variables added to the submitter's environment, and its output and error files.</summary>
/// <param name="Environment">Variables the scheduler sets for it.</param>
/// <param name="Output">Where stdout goes.</param>
/// <param name="Error">Where stderr goes; with stdout when null.</param>
/// <param name="Append">Whether the files are appended to (Grid Engine) or truncated (Slurm).</param>
/// <param name="VmemKiB">An address-space limit for each of its processes (Grid Engine's <c>h_vmem</c>).</param>
internal sealed record Launch(IReadOnlyDictionary<string, string> Environment, string Output, string? Error, bool Append, long? VmemKiB = null);
