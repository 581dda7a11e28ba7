namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>A rendered batch script and the job name it was rendered with.</summary>
/// <param name="Text">The script.</param>
/// <param name="JobName">The name for <c>qsub -N</c>.</param>
internal sealed record GridEngineScript(string Text, string JobName);
