namespace Flepimop2.Cli.Tests;

/// <summary>
/// Stand-ins for the Slurm tools, first on PATH, for dry runs without a cluster: a dry run only needs to find <c>sbatch</c>
/// (and <c>scontrol</c>, asked for <c>MaxArraySize</c>, whose failure a dry run notes and survives). Each one fails loudly,
/// so a test that reached a scheduler would show it.
/// </summary>
public static class FakeBatchTools
{
    /// <summary>Writes the tools into <paramref name="directory"/> and gives the environment that puts them first on PATH.</summary>
    public static Dictionary<string, string?> Environment(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var tool in new[] { "sbatch", "scontrol", "squeue", "sacct", "scancel" })
        {
            var path = Path.Combine(directory, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho 'fake {tool}: a dry run must not reach the scheduler' >&2\nexit 1\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new Dictionary<string, string?> { ["PATH"] = $"{directory}:{System.Environment.GetEnvironmentVariable("PATH")}" };
    }
}
