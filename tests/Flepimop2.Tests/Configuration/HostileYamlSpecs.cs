using System.Diagnostics;
using System.Text;
using Flepimop2.Configuration;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Configuration;

/// <summary>
/// YAML written to hurt: aliases that expand without bound, aliases that contain themselves, nesting deep enough to overflow
/// a recursive reader, NUL characters. Each is one clear configuration error, found fast; nothing else ever escapes.
/// </summary>
public sealed class HostileYamlSpecs
{
    private static Flepimop2ConfigurationException Refused(string yaml)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => ConfigurationFile.Parse(yaml, "c.yaml", "/p/c.yaml"));

        // Not a speed test: a bound that only an unbounded expansion or a runaway parse would pass.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.StartsWith("c.yaml: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    /// <summary>462 bytes that expand to 9^9 (387 million) strings.</summary>
    public static string NestedAliases()
    {
        var yaml = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 1; level <= 8; level++)
        {
            var alias = $"*a{level - 1}";
            yaml.Append($"a{level}: &a{level} [{string.Join(',', Enumerable.Repeat(alias, 9))}]\n");
        }

        return yaml.ToString();
    }

    [Fact]
    public void Nested_aliases_that_would_expand_to_millions_of_values_are_refused()
    {
        var error = Refused(NestedAliases());

        Assert.Contains($"holds more than {YamlTree.MaxValues} values once aliases are expanded", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: &a [*a]\n")]
    [InlineData("a: &a {b: *a}\n")]
    [InlineData("a: &a\n  b:\n    c: *a\n")]
    public void An_alias_to_a_node_that_contains_it_is_refused(string yaml)
    {
        var error = Refused(yaml);

        Assert.Contains("refers to a node that contains it", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100_000, true)]
    [InlineData(100_000, false)]
    public void A_hundred_thousand_levels_of_nesting_are_refused_without_overflowing_the_stack(int depth, bool flow)
    {
        var yaml = flow
            ? "a: " + new string('[', depth) + new string(']', depth) + "\n"
            : string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', i % 200) + "- \n"));

        var error = Refused(yaml);

        Assert.True(
            error.Message.Contains($"nests deeper than {YamlTree.MaxDepth} levels", StringComparison.Ordinal)
            || error.Message.Contains("invalid YAML", StringComparison.Ordinal),
            error.Message);
    }

    [Fact]
    public void Nesting_through_aliases_is_bounded_too()
    {
        var yaml = new StringBuilder("l0: &l0 [x]\n");
        for (var level = 1; level < 40; level++)
        {
            yaml.Append($"l{level}: &l{level} [[[*l{level - 1}]]]\n");
        }

        var error = Refused(yaml.ToString());

        Assert.Contains("nests deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_to_no_anchor_is_refused()
    {
        var error = Refused("a: *nothing\n");

        Assert.Contains("alias '*nothing'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("process:\n  p:\n    module: shell\n    command: echo\n    args: [\"a\\0b\"]\n", "c.yaml: process.p.args[0]: the value at line 5 holds a NUL character")]
    [InlineData("jobs:\n  a:\n    module: shell\n    env: {X: \"1\\02\"}\n", "c.yaml: jobs.a.env.X: the value at line 4 holds a NUL character")]
    [InlineData("process:\n  \"p\\0q\": {module: shell, command: echo}\n", "c.yaml: process: a key at line 2 holds a NUL character")]
    public void A_nul_character_anywhere_is_refused_naming_where_it_is(string yaml, string message)
    {
        var error = Refused(yaml);

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_and_nesting_within_the_bounds_still_work()
    {
        var yaml = "base: &base {module: shell, detach: false}\njobs:\n  a: *base\n  b: *base\nprocess:\n  p: {module: shell, command: echo, args: " +
            new string('[', 50) + "x" + new string(']', 50) + "}\n";

        var file = ConfigurationFile.Parse(yaml, "c.yaml", "/p/c.yaml");

        Assert.Equal(["a", "b"], file.Entries("jobs").Select(e => e.Name));
        Assert.False(file.Select("jobs", "b").Values["detach"]!.GetValue<bool>());
    }

    private static readonly string[] Pieces =
    [
        "a", ": ", "- ", "&x ", "*x", "&y ", "*y", "[", "]", "{", "}", ", ", "\n", "  ", "'", "\"", "#", "? ", "!!str ", "|\n", ">\n", "---\n", "...\n", "\\0", "%YAML 1.2\n", "\t", "<<: ", "@", "`",
    ];

    [SeededProperty(MaxTest = 2000)]
    public Property Any_text_is_a_configuration_or_one_configuration_error_and_nothing_else() =>
        Prop.ForAll(Gen.Elements(Pieces).ListOf().Select(parts => string.Concat(parts)).ToArbitrary(), text =>
        {
            try
            {
                ConfigurationFile.Parse(text, "c.yaml", "/p/c.yaml");
                return true;
            }
            catch (Flepimop2ConfigurationException ex)
            {
                return ex.Message.StartsWith("c.yaml: ", StringComparison.Ordinal) && !ex.Message.Contains('\n', StringComparison.Ordinal);
            }
        });
}
