namespace Flepimop2.Cli.Tests;

/// <summary>What every text file of the repository must not hold, whoever merged it last.</summary>
public sealed class RepositoryTextSpecs
{
    private static readonly string[] Skipped = [".git", "artifacts", "bin", "obj", "node_modules"];

    private static readonly string[] TextEndings = [".cs", ".md", ".sh", ".py", ".json", ".props", ".csproj", ".slnx", ".yaml", ".yml", ".txt", ".xml", ".editorconfig", ".html"];

    [Fact]
    public void No_file_keeps_the_markers_of_a_merge_left_unresolved()
    {
        var root = SlurmCluster.RepositoryRoot;
        var found = new List<string>();
        var read = 0;
        foreach (var file in Files(root))
        {
            read++;
            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                if (line.StartsWith("<<<<<<< ", StringComparison.Ordinal) || line.StartsWith(">>>>>>> ", StringComparison.Ordinal) || line == "=======")
                {
                    found.Add($"{Path.GetRelativePath(root, file)}:{number}: {line}");
                }
            }
        }

        Assert.True(read > 100, $"read only {read} files under {root}");
        Assert.True(found.Count == 0, string.Join('\n', found));
    }

    private static IEnumerable<string> Files(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (TextEndings.Any(e => file.EndsWith(e, StringComparison.Ordinal)) || Path.GetFileName(file) == "run")
            {
                yield return file;
            }
        }

        foreach (var sub in Directory.EnumerateDirectories(directory))
        {
            if (!Skipped.Contains(Path.GetFileName(sub)) && !new FileInfo(sub).Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                foreach (var file in Files(sub))
                {
                    yield return file;
                }
            }
        }
    }
}
