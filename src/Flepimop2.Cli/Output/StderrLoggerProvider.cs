using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli.Output;

/// <summary>
/// Writes log records to stderr as single plain lines (<c>warning: ...</c>), synchronously, so a
/// warning is never lost when the tool exits and never lands in stdout with the results.
/// </summary>
internal sealed class StderrLoggerProvider(TextWriter error, LogLevel minimum, bool withStackTraces) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(error, minimum, withStackTraces);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(TextWriter error, LogLevel minimum, bool withStackTraces) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var prefix = logLevel switch
            {
                LogLevel.Trace => "trace",
                LogLevel.Debug => "debug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warning",
                _ => "error",
            };
            // One record, one line: a value from a file cannot start a line of its own.
            var line = $"{prefix}: {TerminalWriter.OneLine(formatter(state, exception))}";
            if (exception is not null && withStackTraces)
            {
                line += Environment.NewLine + exception;
            }

            error.WriteLine(line);
        }
    }
}
