namespace Flepimop2;

/// <summary>
/// Raised when configuration is unreadable or invalid. The message names the file, the entry
/// (for example <c>jobs.hpc</c>) and the field where each is known.
/// </summary>
public sealed class Flepimop2ConfigurationException : Flepimop2Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong, for example <c>expected a boolean, got 'maybe'</c>.</param>
    /// <param name="file">The configuration file, when known.</param>
    /// <param name="entry">The entry, for example <c>jobs.hpc</c>, when known.</param>
    /// <param name="field">The field within the entry, when known.</param>
    public Flepimop2ConfigurationException(string problem, string? file = null, string? entry = null, string? field = null)
        : base(Format(problem, file, entry, field))
    {
        Problem = problem;
        File = file;
        Entry = entry;
        Field = field;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The configuration file, when known.</summary>
    public string? File { get; }

    /// <summary>The entry, for example <c>jobs.hpc</c>, when known.</summary>
    public string? Entry { get; }

    /// <summary>The field within the entry, when known.</summary>
    public string? Field { get; }

    /// <summary>Returns a copy located in a file and entry; the field is kept.</summary>
    /// <param name="file">The configuration file.</param>
    /// <param name="entry">The entry, used when this exception names none.</param>
    /// <returns>A new exception with the location filled in.</returns>
    public Flepimop2ConfigurationException At(string? file, string? entry) =>
        new(Problem, File ?? file, Entry ?? entry, Field);

    private static string Format(string problem, string? file, string? entry, string? field)
    {
        var where = string.Join(
            ": ",
            new[] { file, JoinPath(entry, field) }.Where(s => !string.IsNullOrEmpty(s)));
        return where.Length == 0 ? problem : $"{where}: {problem}";
    }

    private static string? JoinPath(string? entry, string? field) =>
        (entry, field) switch
        {
            (null or "", null or "") => null,
            (null or "", _) => field,
            (_, null or "") => entry,
            _ => $"{entry}.{field}",
        };
}
