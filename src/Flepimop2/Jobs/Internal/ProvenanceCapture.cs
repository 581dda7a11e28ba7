using System.Reflection;
using System.Security.Cryptography;
using Flepimop2.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// A submission's provenance, taken once before it is submitted (the configuration read and hashed, git asked) and
/// completed for its handle (the copy of the configuration written into the job's run directory, once, and the script
/// path read from the handle). The configuration is read as a regular file only, without blocking (a FIFO is not read),
/// and only up to <see cref="MaxConfigBytes"/>: a larger file gets neither hash nor copy, so no submission waits on it or
/// fills the disk with it.
/// </summary>
internal sealed class ProvenanceCapture
{
    /// <summary>
    /// The largest configuration hashed and copied: 8 MiB, what the configuration reader itself accepts (its own constant is
    /// not used, as the runners do not depend on the configuration's namespace).
    /// </summary>
    public const long MaxConfigBytes = 8L << 20;

    private readonly string? _configPath;
    private readonly byte[]? _configBytes;
    private readonly string? _sha256;
    private readonly string? _gitCommit;
    private readonly bool? _gitDirty;
    private readonly IReadOnlyList<string> _command;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private (bool Done, string? Path) _copy;

    private ProvenanceCapture(string? configPath, byte[]? configBytes, (string? Commit, bool? Dirty) git, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        _configPath = configPath;
        _configBytes = configBytes;
        _sha256 = configBytes is null ? null : Convert.ToHexStringLower(SHA256.HashData(configBytes));
        (_gitCommit, _gitDirty) = git;
        _command = command;
        _environment = environment;
    }

    /// <summary>The flepimop2 version that submits: the library's informational version (<c>0.5.0+commit</c>).</summary>
    public static string? Version { get; } =
        typeof(ProvenanceCapture).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>Reads the configuration and asks git about its directory, before the submission.</summary>
    public static async Task<ProvenanceCapture> TakeAsync(
        string? configPath,
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string> environment,
        IProcessRunner git,
        CancellationToken cancellationToken)
    {
        var path = configPath is { Length: > 0 } ? Path.GetFullPath(configPath) : null;
        var bytes = path is null ? null : ReadConfig(path);
        var state = path is not null && Path.GetDirectoryName(path) is { } directory
            ? await GitState.ReadAsync(directory, git, cancellationToken).ConfigureAwait(false)
            : (null, null);
        return new ProvenanceCapture(path, bytes, state, command, environment);
    }

    /// <summary>
    /// The provenance of the submitted job: the first call writes the copy of the configuration into
    /// <paramref name="runDirectory"/> (when there is one), later calls give the same record.
    /// </summary>
    /// <param name="handle">The job's handle.</param>
    /// <param name="runDirectory">Where the copy goes, or null for none.</param>
    /// <param name="released">
    /// The job already runs: a copy that cannot be written is left out of the record instead of failing (failing would lose
    /// the record of a running job). Before release the failure is thrown, and the job is withdrawn.
    /// </param>
    /// <exception cref="JobStoreException">The copy cannot be written (a full disk) before release; the message names it.</exception>
    public JobProvenance For(JobHandle handle, string? runDirectory, bool released)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!_copy.Done)
        {
            try
            {
                _copy = (true, Copy(runDirectory));
            }
            catch (JobStoreException) when (released)
            {
                _copy = (true, null);
            }
        }

        return new JobProvenance(_configPath, _sha256, _copy.Path, _gitCommit, _gitDirty, Version, _command, _environment, handle.MetadataText("script"));
    }

    /// <summary>The name of the copy in a run directory: <c>config</c> with the configuration's own extension.</summary>
    public static string CopyName(string configPath) =>
        Path.GetExtension(configPath) is { Length: > 1 and <= 16 } extension && extension[1..].All(char.IsAsciiLetterOrDigit)
            ? "config" + extension
            : "config.yaml";

    /// <summary>The configuration's bytes, or null when it is not a regular file, cannot be read, or is larger than the limit.</summary>
    private static byte[]? ReadConfig(string path)
    {
        try
        {
            return SafeFile.ReadAllBytes(path, followLinks: true, MaxConfigBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or UnsafeFileException)
        {
            return null;
        }
    }

    private string? Copy(string? runDirectory)
    {
        if (_configBytes is null || _configPath is null || runDirectory is null)
        {
            return null;
        }

        var copy = Path.Combine(runDirectory, CopyName(_configPath));
        DiskWrites.Run(copy, () =>
        {
            Directory.CreateDirectory(runDirectory);
            AtomicFile.WriteAllBytes(copy, _configBytes);
        });
        return copy;
    }
}
