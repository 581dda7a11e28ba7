using System.Globalization;
using System.Runtime.InteropServices;
using Flepimop2.Internal;
using Flepimop2.Jobs.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Sweeps;

namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// The shell sweep's supervisor inside the flepimop2 program: <c>[setsid] flepimop2 job supervise LOG_ROOT MV BASH COUNT MAX
/// REPORTED [PER]</c>. It keeps the contract of the bash <see cref="ShellSupervisor"/> (the readiness handshake on standard input,
/// the run directory's files, <c>cancel/</c>, the wait for predecessors, the environment of each task) but starts every
/// task itself with <c>posix_spawnp</c> and reaps it with <c>wait4</c>, so a task costs one process instead of four (two
/// bash subshells and an exit recorder), and its exit record (times, exit code or signal, peak memory and CPU time) is
/// written from the kernel's own account. A signal (SIGTERM, SIGINT, SIGHUP) stops it starting tasks; the running ones
/// (signalled with it when the whole sweep is) are waited for and recorded. If it is killed, the tasks it started run on
/// unrecorded: status reads them from <c>pids</c> while they run and calls the sweep killed once they are gone. A packed
/// sweep (<c>PER</c> above 1) runs its tasks in slots of <c>PER</c> (see <see cref="Packing"/>): each slot starts its next
/// task when the one before has ended, however it ended, and <c>MAX</c> counts slots.
/// </summary>
internal sealed class SweepSupervisor : IDisposable
{
    /// <summary>The hidden subcommand's words after <c>flepimop2</c>.</summary>
    public static readonly string[] Command = ["job", "supervise"];

    public const string Usage = "usage: flepimop2 job supervise LOG_ROOT MV BASH COUNT MAX REPORTED [PER] (a shell sweep's supervisor, started by the shell runner, which names its run directory on standard input)";

    /// <summary>
    /// The wait for predecessors, run once by bash with <see cref="ShellPredecessors.Bash"/>: it writes <c>not_run</c> and
    /// exits 1 when the sweep must not run, and takes <c>waiting</c> away either way.
    /// </summary>
    private const string WaitScript =
        ShellPredecessors.Bash +
        ShellRecorder.PutFunction +
        "run=$1 mv=$2\n" +
        "trap 'caught=1' HUP INT TERM\n" +
        "if ! flepimop2_wait_after \"$run/after\"; then\n" +
        "  flepimop2_put \"$run/not_run\" \"$flepimop2_why\"\n" +
        "  rm -f \"$run/waiting\"\n" +
        "  exit 1\n" +
        "fi\n" +
        "rm -f \"$run/waiting\"\n";

    private readonly string _run;
    private readonly string _mv;
    private readonly string _bash;
    private readonly int _count;
    private readonly int _max;
    private readonly int _per;
    private readonly string _reported;
    private readonly TimeProvider _clock;
    private readonly TextWriter _log;
    private readonly string _host = Environment.MachineName;
    private readonly SweepLines _results;
    private readonly SweepLines _started;
    private readonly SweepLines _pids;
    private readonly Dictionary<int, RunningTask> _running = [];
    private volatile bool _stop;
    private volatile int _waiter;
    private int _succeeded;

    private SweepSupervisor(string run, string mv, string bash, int count, int max, int per, int reported, TimeProvider clock, TextWriter log)
    {
        (_run, _mv, _bash, _count, _max, _per, _clock, _log) = (run, mv, bash, count, max, per, clock, log);
        _reported = $"{TaskTable.CountVariable}={reported.ToString(CultureInfo.InvariantCulture)}";
        _results = new SweepLines(Path.Combine(run, "results"));
        _started = new SweepLines(Path.Combine(run, "started"));
        _pids = new SweepLines(Path.Combine(run, "pids"));
    }

    /// <summary>
    /// The argv that starts the supervisor (<paramref name="program"/>: the flepimop2 program), in a new session when
    /// <paramref name="setsid"/> is given; <paramref name="tasksPerSlot"/> is named only above 1, so an unpacked sweep's is as before.
    /// </summary>
    public static IReadOnlyList<string> Argv(string? setsid, IReadOnlyList<string> program, string logRoot, string mv, string bash, int count, int maxParallel, int reportedCount, int tasksPerSlot = 1) =>
        [.. setsid is null ? [] : new[] { setsid }, .. program, .. Command, logRoot, mv, bash,
         count.ToString(CultureInfo.InvariantCulture), maxParallel.ToString(CultureInfo.InvariantCulture), reportedCount.ToString(CultureInfo.InvariantCulture),
         .. tasksPerSlot > 1 ? new[] { tasksPerSlot.ToString(CultureInfo.InvariantCulture) } : []];

    /// <summary>
    /// Runs a sweep: <paramref name="args"/> are the words after <see cref="Command"/>, and <paramref name="input"/> names
    /// the run directory. Returns 0 when every task succeeded, 1 when not, 125 when no directory was named (nothing
    /// started), 2 for arguments that are not the shell runner's. What it has to say goes to <paramref name="error"/>, or
    /// when null to the standard error it gives its log (opened only then: the runtime's descriptor of the standard error
    /// would otherwise keep the submitter's terminal or pipe open until the sweep ends).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, Stream input, TimeProvider clock, TextWriter? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        if (args.Count is not (6 or 7)
            || Count(args[3]) is not { } count || Count(args[4]) is not { } max || Count(args[5]) is not { } reported
            || (args.Count == 7 ? Count(args[6]) : 1) is not { } per)
        {
            (error ?? Console.Error).WriteLine("error: " + Usage);
            return 2;
        }

        var (logRoot, mv, bash) = (args[0], args[1], args[2]);

        if (ReadName(input) is not { } name)
        {
            return ShellRecorder.NotStarted;
        }

        var run = Path.Combine(logRoot, name);
        SendOutputTo(Path.Combine(run, "supervisor.log"));
        using var supervisor = new SweepSupervisor(run, mv, bash, count, max, per, reported, clock, error ?? Console.Error);
        var signals = new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP }
            .Select(s => PosixSignalRegistration.Create(s, supervisor.OnSignal))
            .ToList();
        try
        {
            return supervisor.Supervise();
        }
        finally
        {
            signals.ForEach(s => s.Dispose());
        }
    }

    public void Dispose()
    {
        _results.Dispose();
        _started.Dispose();
        _pids.Dispose();
    }

    private int Supervise()
    {
        if (File.Exists(Path.Combine(_run, ShellPredecessors.FileName)) && !WaitForPredecessors())
        {
            Finish();
            return 1;
        }

        Microsoft.Win32.SafeHandles.SafeFileHandle table, index;
        try
        {
            table = File.OpenHandle(Path.Combine(_run, "table"));
            index = File.OpenHandle(TaskTable.IndexPath(Path.Combine(_run, "table")));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.WriteLine($"flepimop2: cannot read the sweep's task table in {_run}: {ex.Message}");
            return ShellRecorder.NotStarted;
        }

        using (table)
        using (index)
        {
            // Each running task holds its slot; unpacked, a slot is one task, and this is the plain pool of MAX tasks.
            var slots = Packing.Slots(_count, _per);
            var next = 0;
            while (true)
            {
                while (!_stop && _running.Count < _max && next < slots)
                {
                    StartFrom(next * _per, next++, table, index);
                }

                if (_running.Count == 0 || RecordedRun.WaitAny() is not { } ended)
                {
                    break;
                }

                if (_running.Remove(ended.Pid, out var task))
                {
                    Record(task, ended.Outcome);

                    // A slot goes on to its next task however this one ended; a stopped sweep starts nothing more.
                    if (!_stop)
                    {
                        StartFrom(task.Next, task.Slot, table, index);
                    }
                }
            }
        }

        return Finish() ? 0 : 1;
    }

    /// <summary>
    /// Starts the tasks of <paramref name="slot"/> from <paramref name="position"/> on, in order, until one runs; those that
    /// cannot run (cancelled, or unreadable) are recorded and passed over.
    /// </summary>
    private void StartFrom(int position, int slot, Microsoft.Win32.SafeHandles.SafeFileHandle table, Microsoft.Win32.SafeHandles.SafeFileHandle index)
    {
        var end = Math.Min(_count, (slot * _per) + _per);
        for (var p = position; p < end && !_stop; p++)
        {
            if (Start(p, slot, table, index))
            {
                return;
            }
        }
    }

    /// <summary>Starts the task at <paramref name="position"/>, or records why it did not run; whether it runs.</summary>
    private bool Start(int position, int slot, Microsoft.Win32.SafeHandles.SafeFileHandle table, Microsoft.Win32.SafeHandles.SafeFileHandle index)
    {
        var p = position.ToString(CultureInfo.InvariantCulture);
        (IReadOnlyList<string> Argv, int Index)? entry;
        try
        {
            entry = TaskTable.TryRead(table, index, position);
        }
        catch (IOException)
        {
            entry = null;
        }

        if (entry is not { } task)
        {
            // As bash's reader of the table fails: the task cannot be run, as a command not found.
            Append(_results, $"{p} {ExitRecorder.NotStarted}");
            return false;
        }

        if (Cancelled(p))
        {
            Append(_results, $"{p} cancelled");
            return false;
        }

        Append(_started, p);

        // Looked at again once the task is marked started: a cancel that missed it in `started` has written its marker first.
        if (Cancelled(p))
        {
            var now = Epoch(_clock.GetUtcNow());
            Append(_results, $"{p} 143 {now} {now}");
            return false;
        }

        var startedAt = _clock.GetUtcNow();
        var log = Path.Combine(_run, "tasks", p + ".log");
        var shared = ProcessHighWater.ResidentBytes(Environment.ProcessId);
        int pid;
        try
        {
            pid = RecordedRun.Start(task.Argv, log, [$"{TaskTable.IndexVariable}={task.Index.ToString(CultureInfo.InvariantCulture)}", _reported]);
        }
        catch (IOException ex)
        {
            Try(() => File.AppendAllText(log, $"flepimop2: {ex.Message}\n"));
            var end = _clock.GetUtcNow();
            WriteRecord(p, new ExitRecord(IsoTime.Normalize(startedAt), _host, "flepimop2") { EndedAt = IsoTime.Normalize(end), ExitCode = ExitRecorder.NotStarted });
            Append(_results, $"{p} {ExitRecorder.NotStarted} {Epoch(startedAt)} {Epoch(end)}");
            return false;
        }

        // The task is not reaped before this line is written, so /proc still names it (a zombie at worst).
        var probe = ProcessProbe.Read(pid);
        Append(_pids, $"{p} {pid.ToString(CultureInfo.InvariantCulture)} {probe.StartTicks.ToString(CultureInfo.InvariantCulture)}");
        _running[pid] = new RunningTask(p, position + 1, slot, startedAt, shared, new ProcessHighWater(pid, _clock));
        return true;
    }

    private void Record(RunningTask task, RecordedRun.Outcome outcome)
    {
        var end = _clock.GetUtcNow();
        task.Memory.Dispose();
        var code = outcome.ExitCode ?? (128 + outcome.Signal!.Value);
        WriteRecord(task.Position, new ExitRecord(IsoTime.Normalize(task.StartedAt), _host, "flepimop2")
        {
            EndedAt = IsoTime.Normalize(end),
            ExitCode = outcome.ExitCode,
            Signal = outcome.Signal,
            PeakRssBytes = RecordedRun.PeakOf(outcome, task.Shared, task.Memory.Peak),
            CpuSeconds = Math.Round(outcome.CpuSeconds, 3),
        });
        if (Append(_results, $"{task.Position} {code.ToString(CultureInfo.InvariantCulture)} {Epoch(task.StartedAt)} {Epoch(end)}") && code == 0)
        {
            _succeeded++;
        }
    }

    /// <summary>Writes <c>outcome</c> (what a job waiting for the sweep reads), then <c>done</c>; whether every task succeeded.</summary>
    private bool Finish()
    {
        var ok = _succeeded == _count;
        Try(() => AtomicFile.WriteAllText(Path.Combine(_run, "outcome"), ok ? "successful\n" : "failed\n"));
        // A cancel's signal may reach the tasks before this process's handler has run: its marker says it too.
        var stopped = _stop || Path.Exists(Path.Combine(_run, "cancel", "all"));
        Try(() => AtomicFile.WriteAllText(Path.Combine(_run, "done"), stopped ? "1\n" : "0\n"));
        return ok;
    }

    private bool WaitForPredecessors()
    {
        try
        {
            _waiter = RecordedRun.Start([_bash, "-c", WaitScript, "flepimop2-sweep", _run, _mv]);
        }
        catch (IOException ex)
        {
            _log.WriteLine($"flepimop2: {ex.Message}");
            return Refused("its predecessors could not be waited for");
        }

        if (_stop)
        {
            // The signal came before the waiter could be told.
            Posix.SignalProcess(_waiter, Posix.SigTerm);
        }

        var outcome = RecordedRun.Wait(_waiter);
        _waiter = 0;
        return outcome.ExitCode == 0 || Refused("cancelled while waiting for its predecessors");
    }

    /// <summary>Records that the sweep will not run, unless its waiter did; always false.</summary>
    private bool Refused(string why)
    {
        var notRun = Path.Combine(_run, ShellPredecessors.NotRunFileName);
        Try(() =>
        {
            if (!File.Exists(notRun))
            {
                AtomicFile.WriteAllText(notRun, why + "\n");
            }

            File.Delete(Path.Combine(_run, ShellPredecessors.WaitingFileName));
        });
        return false;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop = true;
        if (_waiter is > 1 and var waiter)
        {
            Posix.SignalProcess(waiter, Posix.SigTerm);
        }
    }

    private bool Cancelled(string position) =>
        Path.Exists(Path.Combine(_run, "cancel", "all")) || Path.Exists(Path.Combine(_run, "cancel", position));

    private void WriteRecord(string position, ExitRecord record) =>
        Try(() => record.Write(Path.Combine(_run, "exit", position + ".json")));

    /// <summary>Appends a line; false (and a note in the supervisor's log) when it could not be written.</summary>
    private bool Append(SweepLines file, string line) => Try(() => file.Append(line));

    private bool Try(Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk: the sweep goes on, and what is not recorded reads as not known.
            _log.WriteLine($"flepimop2: {ex.Message}");
            return false;
        }
    }

    /// <summary>Seconds since the epoch to the microsecond, as bash's <c>$EPOCHREALTIME</c> writes them.</summary>
    private static string Epoch(DateTimeOffset time)
    {
        var micro = (time - DateTimeOffset.UnixEpoch).Ticks / 10;
        return string.Create(CultureInfo.InvariantCulture, $"{micro / 1_000_000}.{micro % 1_000_000:D6}");
    }

    private static int? Count(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    /// <summary>The run directory's name, one line; null at the end of input first, or for a name that is not one directory's.</summary>
    private static string? ReadName(Stream input)
    {
        var bytes = new List<byte>();
        int b;
        while ((b = input.ReadByte()) is >= 0 and not '\n')
        {
            if (bytes.Count == 4096)
            {
                return null;
            }

            bytes.Add((byte)b);
        }

        var name = System.Text.Encoding.UTF8.GetString([.. bytes]);
        return b < 0 || name is "" or "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) ? null : name;
    }

    /// <summary>Sends this process's output to the sweep's log and takes its input away, as the bash supervisor's <c>exec</c> does.</summary>
    private static void SendOutputTo(string log)
    {
        var fd = Posix.Open(log, Posix.OWrOnly | Posix.OCreat | Posix.OAppend, 0x1B6, out _);
        if (fd >= 0)
        {
            _ = Posix.Duplicate(fd, 1);
            _ = Posix.Duplicate(fd, 2);
            Posix.Close(fd);
        }

        var none = Posix.Open("/dev/null", Posix.ORdOnly, 0, out _);
        if (none >= 0)
        {
            _ = Posix.Duplicate(none, 0);
            Posix.Close(none);
        }
    }

    /// <summary>
    /// A started task: its position, the position its slot runs next, its slot, its start, the supervisor's memory when it
    /// started it, and its own high-water marks.
    /// </summary>
    private sealed record RunningTask(string Position, int Next, int Slot, DateTimeOffset StartedAt, long Shared, ProcessHighWater Memory);
}
