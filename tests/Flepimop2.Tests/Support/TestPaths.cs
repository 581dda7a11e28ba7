namespace Flepimop2.Tests.Support;

/// <summary>Where the built helper programs are, relative to this test assembly (artifacts/bin/PROJECT/CONFIG/).</summary>
public static class TestPaths
{
    public static string Dummy => Sibling("Flepimop2.Tests.Dummy", "dummy");

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures", "upstream-cache");

    public static string Sibling(string project, string file)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name;
        var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", project, configuration, file));
        return File.Exists(path) ? path : throw new FileNotFoundException($"built helper not found; build the solution first", path);
    }
}
