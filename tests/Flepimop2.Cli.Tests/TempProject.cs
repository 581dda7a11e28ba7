namespace Flepimop2.Cli.Tests;

/// <summary>A throwaway project directory (with a space in its name, as users' paths have) holding a config file.</summary>
public sealed class TempProject : IDisposable
{
    public TempProject(string? config = null)
    {
        Path = Directory.CreateTempSubdirectory("flepimop2 cli ").FullName;
        if (config is not null)
        {
            File.WriteAllText(Combine("config.yaml"), config);
        }
    }

    public string Path { get; }

    public string StoreDirectory => Combine(".flepimop2_cache");

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(Path, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A detached job may still be writing its log.
        }
    }
}
