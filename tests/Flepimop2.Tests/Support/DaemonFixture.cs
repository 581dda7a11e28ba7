using System.Diagnostics;
using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Support;

/// <summary>
/// A scheduler's daemons on this machine, which the integration tests submit to. The constructor fails (never skips) when
/// they are not there, saying how to start them. Jobs run the test dummy in a fresh directory under /tmp.
/// </summary>
public abstract class DaemonFixture : IDisposable
{
    /// <param name="tool">A client tool that must be on PATH.</param>
    /// <param name="probe">A command that answers when the daemons are up.</param>
    /// <param name="answer">What its output holds then.</param>
    /// <param name="what">What does not answer otherwise, for the message.</param>
    /// <param name="howToStart">How to start them, for the message.</param>
    /// <param name="name">A word for the directory's name.</param>
    protected DaemonFixture(string tool, string[] probe, string answer, string what, string howToStart, string name)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (FindTool(tool) is null)
        {
            throw new InvalidOperationException($"'{tool}' is not on PATH. {howToStart}");
        }

        var (exitCode, output) = Run(probe[0], probe[1..]);
        if (exitCode != 0 || !output.Contains(answer, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{what} does not answer (`{string.Join(' ', probe)}` said: {output.Trim()}). {howToStart}");
        }

        Directory = System.IO.Directory.CreateDirectory(Path.Combine("/tmp", $"flepimop2-{name}-tests-{Guid.NewGuid():N}")).FullName;
    }

    /// <summary>A directory every job can write to: its working directory and the place of its scripts and outputs.</summary>
    public string Directory { get; }

    /// <summary>A runner of the dummy in <see cref="Directory"/> that calls the real tools (through <paramref name="tools"/> when given, to record them).</summary>
    internal virtual RunnerSettings Settings(IProcessRunner? tools = null) =>
        new() { Directory = Directory, Tools = tools ?? ProcessRunner.Instance, FindTool = FindTool };

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A job cancelled a moment ago may still hold its output file; /tmp is cleaned anyway.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a scheduler's tool (at most 15 s) and returns its exit code and what it printed, stdout then stderr.</summary>
    internal static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "no answer within 15 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? FindTool(string tool) => Executables.Find(tool, Environment.GetEnvironmentVariable("PATH"));
}
