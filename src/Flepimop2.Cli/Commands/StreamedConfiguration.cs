using System.Security.Cryptography;
using System.Text;
using Flepimop2.Configuration;
using Flepimop2.Internal;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// A configuration that came through a pipe (<c>job process &lt;(generate-config)</c>) is gone once read: a job that reads it
/// when it runs, on this machine or a node, would find <c>/dev/fd/63</c> empty or missing. Such a configuration is kept in
/// the store as <c>configs/SHA256.yaml</c>, named by its content so the same text is kept once, and the job is given that
/// file instead; its provenance then has a hash and a copy like any file's.
/// </summary>
internal static class StreamedConfiguration
{
    /// <summary>The directory in the store that holds the kept configurations.</summary>
    public const string DirectoryName = "configs";

    /// <summary>
    /// <paramref name="file"/> itself when it was read from a file; otherwise the same configuration at the path of its kept
    /// copy in <paramref name="store"/>, which <see cref="Write"/> writes once the submission is checked.
    /// </summary>
    public static ConfigurationFile Locate(ConfigurationFile file, JobStore store)
    {
        if (!file.IsStream)
        {
            return file;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file.Text)));
        return file.At(Path.Combine(store.Root, DirectoryName, hash + ".yaml"));
    }

    /// <summary>Writes the kept copy <paramref name="located"/> names, when it is one (<paramref name="given"/> came through a pipe).</summary>
    /// <exception cref="JobStoreException">The copy cannot be written (a full disk, a link in its place); nothing is submitted.</exception>
    public static void Write(ConfigurationFile given, ConfigurationFile located)
    {
        if (ReferenceEquals(given, located))
        {
            return;
        }

        var path = located.FullPath;
        var directory = Path.GetDirectoryName(path)!;
        if (new DirectoryInfo(directory).LinkTarget is not null)
        {
            throw new JobStoreException(directory, $"'{directory}' is a symbolic link; flepimop2 keeps a piped configuration in its store, never through a link: remove the link and submit again");
        }

        try
        {
            Directory.CreateDirectory(directory);
            AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(located.Text));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JobStoreException(path, $"cannot keep the piped configuration at '{path}': {DiskWrites.Reason(ex)}; nothing was submitted", ex);
        }
    }
}
