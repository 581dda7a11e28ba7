using Flepimop2.Store;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli;

/// <summary>What every command needs: where to write, the log, the verbosity, and the store of the current directory.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, ILogger logger, int verbosity, string directory)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public ILogger Logger { get; } = logger;

    public int Verbosity { get; } = verbosity;

    public string Directory { get; } = directory;

    public JobStore Store => JobStore.ForDirectory(Directory);

    public JobTracker Tracker => new(Store, Logger);
}
