using System.Diagnostics;
using System.Text;

namespace Flepimop2.Cli.Tests;

/// <summary>Runs the built flepimop2 as a real process in a working directory and captures what it says.</summary>
public static class CliRunner
{
    /// <summary>No single call may take longer; one that does fails its test with its arguments and what it printed so far.</summary>
    public static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(2);

    public static string Executable => Built("Flepimop2.Cli", "flepimop2");

    public static string Dummy => Built("Flepimop2.Tests.Dummy", "dummy");

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures", "upstream-cache");

    public static string Examples => Path.Combine(AppContext.BaseDirectory, "Examples");

    public static Task<CliResult> RunAsync(string directory, params string[] args) => RunAsync(directory, null, args);

    /// <summary>Runs flepimop2 with extra environment variables (a null value removes one).</summary>
    public static async Task<CliResult> RunAsync(string directory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        using var process = Start(directory, environment, args);
        process.StandardInput.Close();
        return await Finish(process, $"flepimop2 {string.Join(' ', args.Select(a => $"'{a}'"))} (in '{directory}', pid {process.Id})");
    }

    /// <summary>Runs any process (a shell that starts flepimop2, a rendered script) to its end, capturing its output as UTF-8.</summary>
    public static async Task<CliResult> CaptureAsync(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = new UTF8Encoding(false);
        start.StandardErrorEncoding = new UTF8Encoding(false);
        using var process = Process.Start(start)!;
        return await Finish(process, $"{start.FileName} {string.Join(' ', start.ArgumentList.Select(a => $"'{a}'"))} (in '{start.WorkingDirectory}', pid {process.Id})");
    }

    /// <summary>Waits for a started process (at most <see cref="CallLimit"/>, else it is killed and the test fails) and collects its output.</summary>
    private static async Task<CliResult> Finish(Process process, string what)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(CallLimit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{what} ran {clock.Elapsed.TotalSeconds:0.0} s, " +
                $"past the {CallLimit.TotalSeconds:0} s limit, and was killed.\n--- stdout so far\n{await stdout}\n--- stderr so far\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts flepimop2 without waiting for it (for tests that signal it), output redirected.</summary>
    public static Process Start(string directory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Executable, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start)!;
    }

    private static string Built(string project, string file)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name;
        var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", project, configuration, file));
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first", path);
    }
}
