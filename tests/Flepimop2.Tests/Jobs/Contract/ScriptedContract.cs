using Flepimop2.Tests.Jobs.Scripted;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>
/// The contract against a scripted stand-in of a scheduler: every test gets a fresh one, whose jobs run in a fresh
/// directory, and every process it started is killed when the test ends. Its time runs 60 times faster, so a one-minute
/// limit takes a second; the whole contract takes seconds and needs no daemon.
/// </summary>
public abstract class ScriptedContract : SchedulerContract, IDisposable
{
    private readonly TempDirectory _temp = new();
    private ScriptedScheduler? _standIn;

    private protected override RunnerSettings Settings =>
        StandIn.Settings(Directory.CreateDirectory(_temp.Combine("jobs")).FullName);

    protected override TimeSpan Patience => TimeSpan.FromSeconds(60);

    protected override TimeSpan PollInterval => TimeSpan.FromMilliseconds(100);

    protected override double LongEnoughSeconds => 3;

    /// <summary>The stand-in of this test, made on first use.</summary>
    private ScriptedScheduler StandIn => _standIn ??= Create(_temp.Combine("scheduler"));

    public void Dispose()
    {
        _standIn?.Dispose();
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A stand-in whose own files go in <paramref name="directory"/>.</summary>
    private protected abstract ScriptedScheduler Create(string directory);
}
