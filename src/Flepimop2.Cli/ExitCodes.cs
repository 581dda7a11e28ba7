namespace Flepimop2.Cli;

/// <summary>The exit codes of <c>flepimop2</c>, decided in one place.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int Configuration = 3;
    public const int Interrupted = 130;
    public const int Terminated = 143;
}
