namespace Flepimop2.Jobs.Batch;

/// <summary>What goes into a batch script (see <see cref="BatchScript.Render"/>).</summary>
/// <param name="Directives">The scheduler's directive lines (<c>#SBATCH --mem=4G</c>), in order; none when every option goes on the submit command line.</param>
/// <param name="Comment">Comment lines that say what the script is, each ending with a newline.</param>
/// <param name="Sweep">For a sweep, how a task finds its position and its argv; null for one job.</param>
/// <param name="Checks">Lines the scheduler runs before the pre-commands (a check of predecessors), each ending with a newline.</param>
/// <param name="Debug">Trace the rest of the script with <c>set -x</c>.</param>
/// <param name="PreCommands">Shell lines run before the command.</param>
/// <param name="CommandLine">The command line (see <see cref="BatchScript.CommandLine"/>, or <see cref="BatchScript.SweepCommandLine"/>).</param>
/// <param name="PostCommands">Shell lines run after it.</param>
/// <param name="Recorder">The argv prefix of the program that records the command's exit (this program, where the job runs).</param>
/// <param name="RunDirectory">The submission's run directory, where the exit records go.</param>
internal sealed record BatchScriptParts(
    IReadOnlyList<string> Directives,
    string Comment,
    BatchScriptSweep? Sweep,
    string Checks,
    bool Debug,
    IReadOnlyList<string> PreCommands,
    string CommandLine,
    IReadOnlyList<string> PostCommands,
    IReadOnlyList<string> Recorder,
    string RunDirectory);
