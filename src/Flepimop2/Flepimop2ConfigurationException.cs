using Flepimop2.Internal;

namespace Flepimop2;

/// <summary>
/// Raised when configuration is unreadable or invalid. The message names the file, the entry (for example
/// <c>jobs.hpc</c>) and the field where each is known; when a file has several problems, each is one line of the message
/// and one element of <see cref="Problems"/>, and a problem is always one line: control characters in it, or in the
/// names of its file, entry and field (a key may hold a line break), are written as escapes (<c>\n</c>, <c>\x1b</c>). The
/// static methods make the messages, so each is written in one place.
/// </summary>
public sealed class Flepimop2ConfigurationException : Flepimop2Exception
{
    /// <summary>Creates the exception for one problem.</summary>
    /// <param name="problem">What is wrong, for example <c>expected a boolean, got 'maybe'</c>.</param>
    /// <param name="file">The configuration file, when known.</param>
    /// <param name="entry">The entry, for example <c>jobs.hpc</c>, when known.</param>
    /// <param name="field">The field within the entry, when known.</param>
    public Flepimop2ConfigurationException(string problem, string? file = null, string? entry = null, string? field = null)
        : this([new ConfigurationProblem(Printable.Escape(problem), file, entry, field)])
    {
    }

    /// <summary>Creates the exception for every problem found, in order; its message has one line for each.</summary>
    /// <param name="problems">At least one problem.</param>
    public Flepimop2ConfigurationException(IEnumerable<ConfigurationProblem> problems)
        : this(Checked(problems))
    {
    }

    /// <summary>The problems of several exceptions as one.</summary>
    internal Flepimop2ConfigurationException(IEnumerable<Flepimop2ConfigurationException> problems)
        : this(Checked(problems?.SelectMany(p => p.Problems)!))
    {
    }

    private Flepimop2ConfigurationException(IReadOnlyList<ConfigurationProblem> problems)
        : base(string.Join('\n', problems.Select(p => p.Message)))
    {
        Problem = problems[0].Problem;
        File = problems[0].File;
        Entry = problems[0].Entry;
        Field = problems[0].Field;
        Problems = problems;
    }

    /// <summary>What is wrong, without the location (of the first problem, when there are several).</summary>
    public string Problem { get; }

    /// <summary>The configuration file, when known.</summary>
    public string? File { get; }

    /// <summary>The entry, for example <c>jobs.hpc</c>, when known.</summary>
    public string? Entry { get; }

    /// <summary>The field within the entry, when known.</summary>
    public string? Field { get; }

    /// <summary>Each problem on its own (this exception alone when there is one).</summary>
    public IReadOnlyList<ConfigurationProblem> Problems { get; }

    /// <summary>A required field is missing.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException Required(string field) => new("is required", field: field);

    /// <summary>A text field is empty.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException Empty(string field) => new("must not be empty", field: field);

    /// <summary>A field holds a value of the wrong kind.</summary>
    /// <param name="field">The field.</param>
    /// <param name="expected">What it should hold, for example <c>true or false</c>.</param>
    /// <param name="got">What it holds, as <c>'text'</c> or <c>a list</c>.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException WrongType(string field, string expected, string got) =>
        new($"expected {expected}, got {got}", field: field);

    /// <summary>A field is given under both its spellings.</summary>
    /// <param name="field">The dashed name.</param>
    /// <param name="other">The underscored name.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException GivenTwice(string field, string other) =>
        new($"is given twice, as '{field}' and as '{other}'; keep one", field: field);

    /// <summary>A <c>module</c> names no registered module.</summary>
    /// <param name="kind">The section's kind of module: <c>job</c> or <c>process</c>.</param>
    /// <param name="module">The name given.</param>
    /// <param name="known">The registered names.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException UnknownModule(string kind, string module, IEnumerable<string> known) =>
        new($"unknown {kind} module '{Printable.Escape(module)}'; known modules: {string.Join(", ", known)}", field: "module");

    /// <summary>A section the command needs is not in the file.</summary>
    /// <param name="file">The file.</param>
    /// <param name="section">The section, <c>jobs</c> or <c>process</c>.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException MissingSection(string file, string section) =>
        new($"the file has no '{section}' section", file, section);

    /// <summary>A target asked for is not in its section.</summary>
    /// <param name="file">The file.</param>
    /// <param name="section">The section.</param>
    /// <param name="target">The target asked for.</param>
    /// <param name="targets">The targets there are.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException UnknownTarget(string file, string section, string target, IEnumerable<string> targets) =>
        new($"no target '{Printable.Escape(target)}'; targets: {string.Join(", ", targets.Select(Printable.Escape))}", file, section);

    /// <summary>The configuration file cannot be read.</summary>
    /// <param name="file">The file.</param>
    /// <param name="reason">Why, for example <c>configuration file not found</c>.</param>
    /// <returns>The exception.</returns>
    public static Flepimop2ConfigurationException Unreadable(string file, string reason) => new(reason, file);

    /// <summary>Returns a copy located in a file and entry; the fields are kept, and so is a location already known.</summary>
    /// <param name="file">The configuration file.</param>
    /// <param name="entry">The entry, used when a problem names none.</param>
    /// <returns>A new exception with the location filled in.</returns>
    public Flepimop2ConfigurationException At(string? file, string? entry) => new(Problems.Select(p => p.At(file, entry)).ToList());

    private static List<ConfigurationProblem> Checked(IEnumerable<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var list = problems.ToList();
        return list.Count > 0 ? list : throw new ArgumentException("at least one problem is needed", nameof(problems));
    }
}
