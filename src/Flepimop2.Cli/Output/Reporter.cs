namespace Flepimop2.Cli.Output;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the thread that reports (unlike <see cref="Progress{T}"/>, which posts), so
/// what a round draws is on the screen before the wait goes on, and never after the command has ended.
/// </summary>
internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
