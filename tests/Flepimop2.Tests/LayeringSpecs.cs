using System.Text.RegularExpressions;
using Flepimop2.Tests.Common;

namespace Flepimop2.Tests;

/// <summary>
/// The library's namespaces are layers: what everyone uses sits below what uses it, so no two namespaces use each other
/// (an Internal namespace counts as its parent's). Read from the sources: the usings and the qualified names of each file.
/// </summary>
public sealed partial class LayeringSpecs
{
    [Fact]
    public void No_two_namespaces_of_the_library_use_each_other()
    {
        var uses = Uses(Path.Combine(SourceTree.Root, "src", "Flepimop2"));

        var cycles = uses
            .SelectMany(kv => kv.Value.Where(other => uses.GetValueOrDefault(other)?.Contains(kv.Key) == true && string.CompareOrdinal(kv.Key, other) < 0).Select(other => $"{kv.Key} <-> {other}"))
            .ToList();

        Assert.True(uses.Count > 5, "the sources were not found");
        Assert.Empty(cycles);
    }

    [Fact]
    public void A_namespace_that_uses_another_which_uses_it_back_is_seen()
    {
        using var temp = new Support.TempDirectory();
        File.WriteAllText(temp.Combine("A.cs"), "using Flepimop2.Store;\nnamespace Flepimop2.Jobs;\n");
        File.WriteAllText(temp.Combine("B.cs"), "namespace Flepimop2.Store;\nclass B { Flepimop2.Jobs.JobHandle? h; }\n");

        var uses = Uses(temp.Path);

        Assert.Contains("Flepimop2.Store", uses["Flepimop2.Jobs"]);
        Assert.Contains("Flepimop2.Jobs", uses["Flepimop2.Store"]);
    }

    /// <summary>Each namespace (its Internal one folded in, a backend of Jobs on its own) and the library namespaces it uses.</summary>
    private static Dictionary<string, HashSet<string>> Uses(string directory)
    {
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            var text = Comment().Replace(File.ReadAllText(file), string.Empty);
            if (Namespace().Match(text) is not { Success: true } declared)
            {
                continue;
            }

            var own = Layer(declared.Groups[1].Value);
            var set = uses.TryGetValue(own, out var found) ? found : uses[own] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match used in Using().Matches(text).Concat(Qualified().Matches(text)))
            {
                var other = Layer("Flepimop2." + used.Groups[1].Value);
                if (other != own)
                {
                    set.Add(other);
                }
            }
        }

        return uses;
    }

    private static string Layer(string ns)
    {
        var parts = ns.Split('.').Where(p => p != "Internal").ToArray();
        return parts.Length > 2 && parts[1] == "Jobs" ? string.Join('.', parts.Take(3)) : string.Join('.', parts.Take(2));
    }

    [GeneratedRegex(@"///.*|//.*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^namespace (Flepimop2[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^using Flepimop2\.([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"(?<![\w.])(?:Flepimop2\.)?((?:Jobs|Store|Configuration|Commands|Sweeps|Subprocesses)(?:\.[A-Z]\w+)*)\.[A-Z]\w+")]
    private static partial Regex Qualified();
}
