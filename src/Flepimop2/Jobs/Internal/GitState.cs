using System.Text.RegularExpressions;
using Flepimop2.Subprocesses;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// The commit checked out in the git repository holding a directory, and whether its tree is dirty, for a job's provenance.
/// Asked with <c>git rev-parse HEAD</c> and <c>git status --porcelain</c> as argument lists, each under a short timeout. A
/// directory outside any repository, a missing git, a repository git refuses (another owner: <c>safe.directory</c>) or one
/// that does not answer in time gives nulls, never an error. A repository may be hostile (a downloaded project), so git is
/// told to run nothing of the repository's: no file-system monitor, no hooks, no index write (which would run the
/// post-index-change hook), no submodules, no pager, no prompt; and status is not asked when the repository's
/// configuration names a filter driver, whose clean command status would run on a changed file.
/// </summary>
internal static partial class GitState
{
    /// <summary>How long each git call may take; a repository that needs longer leaves the provenance without it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The commit and whether the tree is dirty; each null when it could not be told.</summary>
    public static async Task<(string? Commit, bool? Dirty)> ReadAsync(string directory, IProcessRunner runner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (!Directory.Exists(directory) || Executables.Find("git", Environment.GetEnvironmentVariable("PATH")) is null)
        {
            return (null, null);
        }

        var head = await RunAsync(runner, directory, ["rev-parse", "--verify", "-q", "HEAD"], cancellationToken).ConfigureAwait(false);
        if (head is null || !Sha().IsMatch(head.Trim()))
        {
            // Not a repository, one git refuses, or one without a commit yet: nothing to record.
            return (null, null);
        }

        var filters = await RunAsync(runner, directory, ["config", "--show-scope", "--name-only", "--get-regexp", @"^filter\..*\.(clean|process)$"], cancellationToken).ConfigureAwait(false);
        if (filters is null || RepositoryFilters(filters))
        {
            return (head.Trim(), null);
        }

        var status = await RunAsync(runner, directory, ["status", "--porcelain", "--ignore-submodules=all", "--untracked-files=no"], cancellationToken).ConfigureAwait(false);
        return (head.Trim(), status is null ? null : status.Length > 0);
    }

    /// <summary>The argv that asks git in <paramref name="directory"/>, with everything that could run a command turned off.</summary>
    public static IReadOnlyList<string> Argv(string directory, IReadOnlyList<string> arguments) =>
    [
        "git", "--no-pager", "--no-optional-locks", "-C", directory,
        "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.untrackedCache=false",
        "-c", "submodule.recurse=false", "-c", "protocol.allow=never",
        .. arguments,
    ];

    /// <summary>
    /// Whether a filter driver comes from the repository's own configuration (or one it includes): the user's and the
    /// system's (git-lfs, most often) are the user's own tools, and status may run them.
    /// </summary>
    public static bool RepositoryFilters(string scopes) =>
        scopes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(line => !line.StartsWith("global\t", StringComparison.Ordinal) && !line.StartsWith("system\t", StringComparison.Ordinal));

    /// <summary>What git printed, or null when it failed, could not start, or did not answer in time.</summary>
    private static async Task<string?> RunAsync(IProcessRunner runner, string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runner.RunAsync(Argv(directory, arguments), Timeout, cancellationToken).ConfigureAwait(false);

            // git config exits 1 when nothing matches: an answer, not a failure.
            return result.ExitCode == 0 || (result.ExitCode == 1 && arguments[0] == "config") ? result.Stdout : null;
        }
        catch (JobBackendException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha();
}
