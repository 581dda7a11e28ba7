namespace Flepimop2.Tests.Common;

/// <summary>This repository's working tree, as the tests find it from their output directory (artifacts/bin/...).</summary>
public static class SourceTree
{
    /// <summary>The directory holding Flepimop2.slnx.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Flepimop2.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Flepimop2.slnx above {AppContext.BaseDirectory}");
    }
}
