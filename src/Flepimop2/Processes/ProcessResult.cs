namespace Flepimop2.Processes;

/// <summary>How a finished command ended and what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);
