namespace Flepimop2.Jobs.Shell.Internal;

/// <summary>
/// The moment between starting a shell job's process, which waits on its standard input for the word to run, and giving
/// that word: the caller records the job here. A record that fails throws before the word is given, and the process,
/// whose input then closes, ends without running the job.
/// </summary>
internal static class ShellRelease
{
    public static async Task RecordAsync(JobHandle handle, Func<JobHandle, CancellationToken, Task>? beforeRelease, CancellationToken cancellationToken)
    {
        if (beforeRelease is null)
        {
            return;
        }

        try
        {
            await beforeRelease(handle, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new Flepimop2Exception($"{handle.Key} was not recorded ({ex.Message}); it was withdrawn before it started, so it never ran", ex);
        }
    }
}
