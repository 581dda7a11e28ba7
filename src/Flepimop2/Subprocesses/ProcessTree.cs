using System.Diagnostics;
using Flepimop2.Internal;

namespace Flepimop2.Subprocesses;

/// <summary>
/// Stops a process together with every process it started: SIGTERM to all of them, a grace period for them to end, then
/// SIGKILL to whatever is left. Each process is recognised by its pid and its start time, so a pid reused in the meantime
/// is never signalled.
/// </summary>
internal static class ProcessTree
{
    /// <summary>Sends SIGTERM to the process and its descendants, waits up to <paramref name="grace"/> for it to exit, then SIGKILLs the rest.</summary>
    /// <returns>Whether SIGKILL was needed.</returns>
    public static async Task<bool> StopAsync(Process process, TimeSpan grace, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return false;
        }

        var tree = Snapshot(process.Id);
        Signal(tree, Posix.SigTerm);
        using (var deadline = new CancellationTokenSource(grace, clock))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // It ignored SIGTERM for the whole grace period.
            }
        }

        // What was there at the start and is still the same process, plus anything started since under a live member.
        var left = tree.Where(Unchanged).ToList();
        if (!process.HasExited)
        {
            left.AddRange(Snapshot(process.Id).Where(p => !left.Contains(p)));
        }

        if (left.Count == 0)
        {
            return false;
        }

        Signal(left, Posix.SigKill);
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5), clock))
        {
            try
            {
                await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A process in uninterruptible sleep; it goes when the kernel lets it.
            }
        }

        return true;
    }

    /// <summary>
    /// The same for a process that is not this program's child, known by its pid and start time: nothing is signalled when
    /// the pid now belongs to another process.
    /// </summary>
    /// <returns>Whether SIGKILL was needed.</returns>
    public static async Task<bool> StopAsync(int pid, long startTicks, TimeSpan grace, TimeProvider clock)
    {
        if (!Unchanged((pid, startTicks)))
        {
            return false;
        }

        var tree = Snapshot(pid).Where(p => p.Pid != pid || p.StartTicks == startTicks).ToList();
        Signal(tree, Posix.SigTerm);
        var started = clock.GetTimestamp();
        while (Unchanged((pid, startTicks)) && clock.GetElapsedTime(started) < grace)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, CancellationToken.None).ConfigureAwait(false);
        }

        var left = tree.Where(Unchanged).ToList();
        if (left.Count == 0)
        {
            return false;
        }

        Signal(left, Posix.SigKill);
        var killed = clock.GetTimestamp();
        while (Unchanged((pid, startTicks)) && clock.GetElapsedTime(killed) < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), clock, CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The resident memory of a process and all its descendants now, in bytes (0 when it is gone).</summary>
    public static long ResidentBytes(int root)
    {
        var probes = ProcessProbe.All().ToDictionary(p => p.Pid, p => p.Probe);
        var members = Snapshot(root);
        return members.Sum(m => probes.TryGetValue(m.Pid, out var probe) && probe.StartTicks == m.StartTicks ? probe.ResidentPages : 0) * Environment.SystemPageSize;
    }

    /// <summary>
    /// The largest peak virtual size (<c>VmPeak</c>, a high-water mark) among a process and its descendants now, in bytes (0
    /// when it is gone): Grid Engine's <c>h_vmem</c> caps each process's address space, and a runtime (.NET, Java) reserves
    /// far more than it touches, which no resident figure shows.
    /// </summary>
    public static long LargestVirtualPeak(int root) =>
        Snapshot(root).Select(m => ProcessHighWater.Field(m.Pid, "VmPeak:")).DefaultIfEmpty().Max();

    /// <summary>The process and its descendants now, each with its start time.</summary>
    public static List<(int Pid, long StartTicks)> Snapshot(int root)
    {
        var children = new Dictionary<int, List<(int Pid, long StartTicks)>>();
        foreach (var (pid, probe) in ProcessProbe.All())
        {
            if (!children.TryGetValue(probe.ParentPid, out var list))
            {
                children[probe.ParentPid] = list = [];
            }

            list.Add((pid, probe.StartTicks));
        }

        var rootProbe = ProcessProbe.Read(root);
        var result = new List<(int Pid, long StartTicks)>();
        if (!rootProbe.Exists)
        {
            return result;
        }

        var pending = new Queue<(int Pid, long StartTicks)>([(root, rootProbe.StartTicks)]);
        while (pending.Count > 0)
        {
            var next = pending.Dequeue();
            result.Add(next);
            foreach (var child in children.GetValueOrDefault(next.Pid) ?? [])
            {
                pending.Enqueue(child);
            }
        }

        return result;
    }

    private static bool Unchanged((int Pid, long StartTicks) process) =>
        ProcessProbe.Read(process.Pid) is { } probe && probe.IsAlive && probe.StartTicks == process.StartTicks;

    private static void Signal(IEnumerable<(int Pid, long StartTicks)> processes, int signal)
    {
        foreach (var process in processes)
        {
            if (process.Pid > 1 && Unchanged(process))
            {
                Posix.SignalProcess(process.Pid, signal);
            }
        }
    }
}
