using System.Diagnostics;

namespace Flepimop2.Tests.Support;

/// <summary>Runs a rendered script's text under bash, bounded by a timeout, as a node would run it.</summary>
internal static class BashScript
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="environment"/> added; its exit code and standard output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("timeout", ["20", "bash", "-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output);
    }
}
