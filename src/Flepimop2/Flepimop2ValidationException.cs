using System.Text;

namespace Flepimop2;

/// <summary>
/// Raised when a runner's validation finds one or more issues before submitting or querying a job.
/// Nothing has been submitted when this is thrown.
/// </summary>
public sealed class Flepimop2ValidationException : Flepimop2Exception
{
    /// <summary>Creates the exception from the issues found.</summary>
    /// <param name="issues">At least one issue.</param>
    public Flepimop2ValidationException(IReadOnlyList<ValidationIssue> issues)
        : base(FormatMessage(issues))
    {
        Issues = issues;
    }

    /// <summary>The issues that were found, in the order they were reported.</summary>
    public IReadOnlyList<ValidationIssue> Issues { get; }

    /// <summary>
    /// Formats issues as <c>"N validation issue(s) encountered:"</c> followed by one
    /// <c>"- [kind] message (k=v, ...)"</c> line per issue.
    /// </summary>
    /// <param name="issues">The issues to format.</param>
    /// <returns>The multi-line message.</returns>
    public static string FormatMessage(IReadOnlyList<ValidationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var builder = new StringBuilder();
        builder.Append(issues.Count).Append(issues.Count == 1 ? " validation issue encountered:" : " validation issues encountered:");
        foreach (var issue in issues)
        {
            builder.Append('\n').Append(issue.ToString());
        }

        return builder.ToString();
    }
}
