namespace Flepimop2.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes (waiting for real processes, not timing them).</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    public static T Until<T>(Func<T> probe, Func<T, bool> done, TimeSpan? timeout = null) =>
        Until(() => Task.FromResult(probe()), done, timeout).GetAwaiter().GetResult();
}
