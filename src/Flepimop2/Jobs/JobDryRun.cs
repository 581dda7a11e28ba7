namespace Flepimop2.Jobs;

/// <summary>A description of the submission a dry run prepared and then skipped.</summary>
/// <param name="Command">The command that would have run, shell-quoted for display.</param>
/// <param name="Details">Backend-specific facts about it (working directory, script path, ...).</param>
public sealed record JobDryRun(string Command, IReadOnlyDictionary<string, string> Details) : JobSubmission
{
    /// <summary>Creates a dry run without details.</summary>
    /// <param name="command">The command that would have run.</param>
    public JobDryRun(string command)
        : this(command, new Dictionary<string, string>())
    {
    }
}
