namespace Flepimop2.Cli.Tests;

/// <summary>Stand-ins for scheduler tools that count their calls.</summary>
public static class CountingTools
{
    /// <summary>
    /// Puts a stand-in for each tool first on PATH that appends its name and arguments to <paramref name="log"/> and runs
    /// the real tool, so only a test's own calls are counted however many others use the scheduler.
    /// </summary>
    /// <returns>The environment (PATH) to run the CLI with.</returns>
    public static Dictionary<string, string?> Put(string directory, string log, IEnumerable<string> tools)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(log, string.Empty);
        foreach (var tool in tools)
        {
            var real = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, tool))
                .First(File.Exists);
            var path = Path.Combine(directory, tool);
            File.WriteAllText(path, $"#!/bin/sh\nprintf '%s %s\\n' {tool} \"$*\" >> '{log}'\nexec '{real}' \"$@\"\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new Dictionary<string, string?> { ["PATH"] = $"{directory}:{Environment.GetEnvironmentVariable("PATH")}" };
    }
}
