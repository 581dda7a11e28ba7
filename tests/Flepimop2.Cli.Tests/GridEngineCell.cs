using System.Diagnostics;

namespace Flepimop2.Cli.Tests;

/// <summary>The Grid Engine cell of this machine (scripts/gridengine/start-cell.sh), as the CLI specs reach it.</summary>
internal static class GridEngineCell
{
    /// <summary>Fails, never skips, when the cell's qmaster does not answer, saying how to start it.</summary>
    /// <remarks>The probe reads everything qstat prints: a cell holding a thousand jobs from another spec prints more than a pipe holds.</remarks>
    public static void Require()
    {
        var (code, output) = Run("qstat", "-f");
        Assert.True(code == 0 && output.Contains("all.q@", StringComparison.Ordinal), $"the Grid Engine cell does not answer (qstat -f: {output.Trim()}); start it with scripts/gridengine/start-cell.sh");
    }

    /// <summary>Runs a program (at most five minutes) and returns its exit code and what it printed.</summary>
    public static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
        }

        return (process.ExitCode, output + error.Result);
    }
}
