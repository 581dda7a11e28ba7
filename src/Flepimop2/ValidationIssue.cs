namespace Flepimop2;

/// <summary>One problem found by a runner's validation.</summary>
/// <param name="Message">What is wrong.</param>
/// <param name="Kind">A short machine-readable category, for example <c>missing_executable</c>.</param>
/// <param name="Context">Optional facts that locate the problem (names, paths, values).</param>
public sealed record ValidationIssue(string Message, string Kind, IReadOnlyDictionary<string, string>? Context = null)
{
    /// <summary>The configuration field the issue is about (for example <c>cwd</c> or <c>env.PATH</c>), when it is about one.</summary>
    public string? Field { get; init; }

    /// <summary>Formats as <c>- [kind] message (k=v, k2=v2)</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString()
    {
        var line = $"- [{Kind}] {Message}";
        if (Context is null || Context.Count == 0)
        {
            return line;
        }

        return $"{line} ({string.Join(", ", Context.Select(kv => $"{kv.Key}={kv.Value}"))})";
    }
}
