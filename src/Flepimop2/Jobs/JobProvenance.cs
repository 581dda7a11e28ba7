using Flepimop2.Internal;

namespace Flepimop2.Jobs;

/// <summary>
/// Where a submission came from, recorded with its handle (the handle JSON's <c>provenance</c>): the configuration file and
/// the hash of the bytes read from it, a copy of it in the job's run directory, the git commit of the repository holding it
/// and whether its tree was dirty, the flepimop2 version that submitted it, the exact command and the environment variables
/// the job gets from the configuration, and its batch script. Each field is null (or empty) where it does not apply or
/// could not be found out: a configuration outside any repository, a pipe given as configuration, a shell job (no script).
/// Two provenances are equal when every field is, the command and the environment compared by content.
/// </summary>
/// <param name="ConfigPath">The configuration file's absolute path, as given; null when the submission named none.</param>
/// <param name="ConfigSha256">The SHA-256 of the configuration's bytes as read at submission, 64 lower-case hex digits.</param>
/// <param name="ConfigCopy">The copy of those bytes in the job's run directory.</param>
/// <param name="GitCommit">The commit checked out in the repository holding the configuration (<c>git rev-parse HEAD</c>).</param>
/// <param name="GitDirty">Whether files the repository tracks had changes (<c>git status --porcelain --untracked-files=no</c>: new files do not count).</param>
/// <param name="Version">The flepimop2 version that submitted the job, for example <c>0.5.0+767f957…</c>.</param>
/// <param name="Command">The job's exact argv, its program first (for a sweep, the first task's).</param>
/// <param name="Environment">The environment variables the job gets from the runner's configuration (the shell runner's <c>env</c>).</param>
/// <param name="ScriptPath">The rendered batch script (Slurm, Grid Engine).</param>
public sealed record JobProvenance(
    string? ConfigPath,
    string? ConfigSha256,
    string? ConfigCopy,
    string? GitCommit,
    bool? GitDirty,
    string? Version,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string? ScriptPath)
{
    /// <summary>Whether <paramref name="other"/> records the same, the command and environment compared by content.</summary>
    /// <param name="other">The other provenance.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(JobProvenance? other) =>
        other is not null
        && ConfigPath == other.ConfigPath && ConfigSha256 == other.ConfigSha256 && ConfigCopy == other.ConfigCopy
        && GitCommit == other.GitCommit && GitDirty == other.GitDirty && Version == other.Version && ScriptPath == other.ScriptPath
        && Command.SequenceEqual(other.Command, StringComparer.Ordinal)
        && Environment.Count == other.Environment.Count
        && Environment.All(kv => other.Environment.TryGetValue(kv.Key, out var value) && value == kv.Value);

    /// <summary>A hash that agrees with <see cref="Equals(JobProvenance?)"/>.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ConfigPath);
        hash.Add(ConfigSha256);
        hash.Add(GitCommit);
        hash.Add(Version);
        foreach (var argument in Command)
        {
            hash.Add(argument);
        }

        hash.Add(Environment.Count);
        return hash.ToHashCode();
    }

    /// <summary>
    /// The provenance for a terminal, one <c>name: value</c> line each (the command shell-quoted, one line per environment
    /// variable), control characters written as escapes; what is unknown is left out.
    /// </summary>
    /// <returns>The lines.</returns>
    public IEnumerable<string> Lines()
    {
        var fields = new (string Name, string? Value)[]
        {
            ("config", ConfigPath), ("config_sha256", ConfigSha256), ("config_copy", ConfigCopy), ("git_commit", GitCommit),
            ("git_dirty", GitDirty is { } dirty ? (dirty ? "true" : "false") : null), ("version", Version),
            ("command", Command.Count > 0 ? ShellQuote.Join(Command) : null), ("script", ScriptPath),
        };
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                yield return $"{name}: {Printable.Escape(value)}";
            }
        }

        foreach (var (name, value) in Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            yield return $"env: {Printable.Escape(name)}={Printable.Escape(value)}";
        }
    }
}
