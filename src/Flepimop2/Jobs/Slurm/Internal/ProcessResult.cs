namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>How a finished command ended and what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);
