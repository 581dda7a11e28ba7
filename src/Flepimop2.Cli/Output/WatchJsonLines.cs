using System.Text.Json;
using Flepimop2.Store;

namespace Flepimop2.Cli.Output;

/// <summary>
/// <c>job watch</c> on a pipe or with <c>--json</c>: after each round, one JSON line per job that changed, flushed at once so
/// a reader sees it as it happens. Nothing is redrawn and no escape code is written.
/// </summary>
/// <param name="output">Stdout (a <see cref="TerminalWriter"/>: a control character in a key or target stays an escape).</param>
/// <param name="state">Turns rounds into rows.</param>
internal sealed class WatchJsonLines(TextWriter output, WatchState state) : IProgress<JobWaitProgress>
{
    public void Report(JobWaitProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var row in state.Rows(value, value.Changed))
        {
            var line = new WatchJsonLine(value.Round, row.Key, row.Target, row.Status, (long)Math.Max(0, row.Elapsed.TotalSeconds), WatchJsonTasks.Of(row.Tasks));
            output.WriteLine(JsonSerializer.Serialize(line, WatchJsonContext.Default.WatchJsonLine));
        }

        output.Flush();
    }
}
