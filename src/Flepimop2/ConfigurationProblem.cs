using Flepimop2.Internal;

namespace Flepimop2;

/// <summary>One problem of a configuration: what is wrong, and where (each part when known).</summary>
/// <param name="Problem">What is wrong, for example <c>expected true or false, got 'maybe'</c>.</param>
/// <param name="File">The configuration file.</param>
/// <param name="Entry">The entry, for example <c>jobs.hpc</c>.</param>
/// <param name="Field">The field within the entry.</param>
public sealed record ConfigurationProblem(string Problem, string? File = null, string? Entry = null, string? Field = null)
{
    /// <summary>The problem as one line: <c>file: entry.field: problem</c>, with what is not known left out.</summary>
    public string Message
    {
        get
        {
            var where = string.Join(": ", new[] { File, JoinPath(Entry, Field) }.Where(s => !string.IsNullOrEmpty(s)).Select(Printable.Escape));
            return where.Length == 0 ? Problem : $"{where}: {Problem}";
        }
    }

    /// <summary>The problem located in a file and entry; a location it already has is kept.</summary>
    /// <param name="file">The configuration file.</param>
    /// <param name="entry">The entry, used when the problem names none.</param>
    /// <returns>The located problem.</returns>
    public ConfigurationProblem At(string? file, string? entry) => this with { File = File ?? file, Entry = Entry ?? entry };

    private static string? JoinPath(string? entry, string? field) =>
        (entry, field) switch
        {
            (null or "", null or "") => null,
            (null or "", _) => field,
            (_, null or "") => entry,
            _ => $"{entry}.{field}",
        };
}
