namespace Flepimop2.Subprocesses;

/// <summary>Finds programs the way a shell would, without running a shell.</summary>
internal static class Executables
{
    /// <summary>
    /// Resolves a program name: a name with a slash is taken relative to <paramref name="baseDirectory"/>,
    /// a bare name is looked up on <paramref name="searchPath"/>.
    /// </summary>
    /// <returns>The absolute path of an executable file, or <see langword="null"/>.</returns>
    public static string? Find(string name, string? searchPath, string? baseDirectory = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(name, baseDirectory ?? Environment.CurrentDirectory);
            return IsExecutableFile(full) ? full : null;
        }

        foreach (var dir in (searchPath ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (IsExecutableFile(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    public static bool IsExecutableFile(string path)
    {
        try
        {
            return File.Exists(path)
                && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The argv prefix that starts this same program again: the native executable, or
    /// <c>dotnet tool.dll</c> when running under the <c>dotnet</c> host.
    /// </summary>
    public static IReadOnlyList<string> CurrentProgram()
    {
        var path = Environment.ProcessPath ?? throw new Flepimop2Exception("cannot tell the path of the running program; set 'executable' in the job configuration");
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            var dll = Path.Combine(AppContext.BaseDirectory, AppDomain.CurrentDomain.FriendlyName + ".dll");
            return File.Exists(dll) ? [path, dll] : [path];
        }

        return [path];
    }

    /// <summary>
    /// The argv prefix that starts the flepimop2 command line, which records a job's exit (<c>flepimop2 job exec</c>): this
    /// program when it is flepimop2, else <c>flepimop2</c> found on PATH; empty when there is none (a program of its own
    /// that uses this library, without the tool installed), and jobs then record their exit with bash alone.
    /// </summary>
    public static IReadOnlyList<string> CommandLineProgram()
    {
        if (AppDomain.CurrentDomain.FriendlyName == "flepimop2")
        {
            return CurrentProgram();
        }

        return Find("flepimop2", Environment.GetEnvironmentVariable("PATH")) is { } found ? [found] : [];
    }
}
