namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>A rendered batch script and the facts about it the handle records.</summary>
/// <param name="Text">The whole script.</param>
/// <param name="JobName">The <c>--job-name</c> it sets.</param>
/// <param name="OutputPattern">The <c>--output</c> pattern it sets (for example <c>/work/slurm-%j.out</c>).</param>
/// <param name="ErrorPattern">The <c>--error</c> pattern, when <c>sbatch-options</c> sets one.</param>
internal sealed record SlurmScript(string Text, string JobName, string OutputPattern, string? ErrorPattern);
