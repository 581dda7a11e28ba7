using System.Diagnostics;
using System.Text;

namespace Flepimop2.Cli.Tests;

/// <summary>Runs the built flepimop2 as a real process in a working directory and captures what it says.</summary>
public static class CliRunner
{
    public static string Executable => Built("Flepimop2.Cli", "flepimop2");

    public static string Dummy => Built("Flepimop2.Tests.Dummy", "dummy");

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures", "upstream-cache");

    public static string Examples => Path.Combine(AppContext.BaseDirectory, "Examples");

    public static async Task<CliResult> RunAsync(string directory, params string[] args)
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
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Built(string project, string file)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name;
        var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", project, configuration, file));
        return File.Exists(path) ? path : throw new FileNotFoundException("build the solution first", path);
    }
}
