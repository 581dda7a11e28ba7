using Flepimop2.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flepimop2.Cli;

/// <summary>
/// What every command needs: where to write, the log, the verbosity, and the store of the current directory. The log and
/// the verbosity are set once the arguments have been read, before any command runs.
/// </summary>
internal sealed class CliContext(TextWriter output, TextWriter error, string directory)
{
    /// <summary>Results; control characters are escaped.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Errors and warnings; control characters are escaped.</summary>
    public TextWriter Error { get; } = error;

    public ILogger Logger { get; set; } = NullLogger.Instance;

    public int Verbosity { get; set; }

    public string Directory { get; } = directory;

    /// <summary>How long a store write waits for another process's lock (<c>FLEPIMOP2_LOCK_TIMEOUT</c>).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public JobStore Store => new(Path.Combine(Directory, ".flepimop2_cache", "job")) { LockTimeout = LockTimeout };

    public JobTracker Tracker => new(Store, Logger);
}
