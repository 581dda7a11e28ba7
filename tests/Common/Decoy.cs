using System.Diagnostics;

namespace Flepimop2.Tests.Common;

/// <summary>
/// A process that is not a job: <c>sleep</c> in a session of its own (as a detached job is), started by the test. Tests point
/// handles at it and check that it survives; it is killed when the test ends.
/// </summary>
public sealed class Decoy : IDisposable
{
    private readonly Process _process;

    private Decoy(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool IsAlive => ProcStat.Alive(Pid);

    public long StartTicks => ProcStat.Read(Pid)!.Value.StartTicks;

    public static Decoy Start()
    {
        var process = Process.Start(new ProcessStartInfo("setsid", ["sleep", "600"]))!;
        var deadline = Stopwatch.StartNew();
        while (ProcStat.Read(process.Id) is not { } stat || stat.Session != process.Id)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"setsid sleep (pid {process.Id}) did not become a session leader within 10 s");
            }

            Thread.Sleep(5);
        }

        return new Decoy(process);
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
