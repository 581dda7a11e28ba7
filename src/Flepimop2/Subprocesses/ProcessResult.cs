namespace Flepimop2.Subprocesses;

/// <summary>How a finished command ended and what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);
