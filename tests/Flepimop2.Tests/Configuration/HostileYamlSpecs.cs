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

    [Fact]
    public void A_long_text_aliased_many_times_is_refused_by_the_characters_it_would_make()
    {
        // A megabyte, aliased 40 times: few values, but 40 million characters for a job's argv, environment or record.
        var yaml = "big: &big " + new string('x', 1 << 20) + "\nl: [" + string.Join(", ", Enumerable.Repeat("*big", 40)) + "]\n";

        var error = Refused(yaml);

        Assert.Contains($"holds more than {YamlTree.MaxCharacters} characters once aliases are expanded", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Texts YAML lets through that a JSON tree cannot hold as written, each one clear configuration error naming the file and
    /// where. The first two were found by the property below (an alias as a key ended in an ArgumentNullException).
    /// </summary>
    [Theory]
    [InlineData("a: &x\n*x : 1\n", "c.yaml: a mapping key at line 2, column 1 is the alias '*x' of nothing; a key must be a name")]
    [InlineData("a: &x [1]\n*x : 1\n", "c.yaml: a mapping key at line 2, column 1 is the alias '*x' of a list; a key must be a name")]
    [InlineData("jobs:\n  a: &x {b: 1}\n  *x : 1\n", "c.yaml: jobs: a mapping key at line 3, column 3 is the alias '*x' of a mapping; a key must be a name")]
    [InlineData("? [a]\n: 1\n", "c.yaml: a mapping key at line 1, column 3 is a list; a key must be a name")]
    [InlineData("jobs:\n  ? {a: 1}\n  : 1\n", "c.yaml: jobs: a mapping key at line 2, column 5 is a mapping; a key must be a name")]
    [InlineData("~: 1\n", "c.yaml: a mapping key at line 1, column 1 is null ('~'); quote it if it is a name")]
    [InlineData("? \n: 1\n", "c.yaml: a mapping key at line 1, column 2 is null (''); quote it if it is a name")]
    [InlineData("jobs:\n  a: 1\n  a: 2\n", "c.yaml: jobs: duplicate key 'a' at line 3, column 3")]
    [InlineData("&k a: 1\n*k : 2\n", "c.yaml: duplicate key 'a' at line 2, column 1")]
    [InlineData("m: {<<: {a: 1}, <<: {b: 2}}\n", "c.yaml: m: duplicate key '<<' at line 1, column 17")]
    [InlineData("m: {<<: 5}\n", "c.yaml: m: the merge key '<<' at line 1, column 5 takes a mapping or a list of mappings, got '5'")]
    [InlineData("m: {<<: [{a: 1}, [b]]}\n", "c.yaml: m: the merge key '<<' at line 1, column 5 takes a mapping or a list of mappings, got a list")]
    [InlineData("m:\n  <<:\n", "c.yaml: m: the merge key '<<' at line 2, column 3 takes a mapping or a list of mappings, got nothing")]
    [InlineData("a: &a {<<: *a}\n", "c.yaml: alias '*a' at line 1 refers to a node that contains it")]
    [InlineData("a: !foo x\n", "c.yaml: a: the tag !foo at line 1, column 4 cannot be on a value of a configuration")]
    [InlineData("a: !!binary eA==\n", "c.yaml: a: the tag !!binary at line 1, column 4 cannot be on a value of a configuration")]
    [InlineData("a: !!set {b}\n", "c.yaml: a: the tag !!set at line 1, column 4 cannot be on a mapping of a configuration")]
    [InlineData("a: !!str [b]\n", "c.yaml: a: the tag !!str at line 1, column 4 cannot be on a list of a configuration")]
    [InlineData("a: !!int x\n", "c.yaml: a: the value 'x' at line 1, column 4 is tagged !!int, but is not a whole number")]
    [InlineData("a: !!int 1.5\n", "c.yaml: a: the value '1.5' at line 1, column 4 is tagged !!int, but is not a whole number")]
    [InlineData("a: !!bool yes\n", "c.yaml: a: the value 'yes' at line 1, column 4 is tagged !!bool, but is not true or false")]
    [InlineData("a: !!null x\n", "c.yaml: a: the value 'x' at line 1, column 4 is tagged !!null, but is not null")]
    [InlineData("%TAG !e! tag:example.com,2026:\n---\na: !e!thing x\n", "c.yaml: a: the tag tag:example.com,2026:thing at line 3, column 4 cannot be on a value of a configuration")]
    public void Yaml_a_configuration_cannot_hold_as_written_is_refused_naming_where(string yaml, string message)
    {
        var error = Refused(yaml);

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Texts the property below found, with the seeds of scripts/properties.sh: a key holding a line break made a problem two
    /// lines long (the entry it named was not escaped).
    /// </summary>
    [Theory]
    [InlineData("{%YAML 1.2\n\n*x : #true!!map [- }*x>\n!!merge ]", "c.yaml: %YAML 1.2\\n*x: the tag !!merge at line 4, column 1 cannot be on a value")]
    [InlineData("{@!<tag:x> - *y\t!!int ?!<tag:x> \n  \r\n*x : !<tag:x> {}!!bool -1.5e3<<- : }\r\n?- \n@1", "c.yaml: @!<tag:x> - *y\\t!!int ?!<tag:x>\\n*x: the tag tag:x at line 3, column 6 cannot be on a mapping")]
    [InlineData("{!!str ...\n!e!t , --? a*|\n&x ...\n\r\n%YAML 1.2\n\t|\n!!seq \\0!!merge ...\n\uFEFF!!int *x : !!bool : `---\n- !!map \\0%TAG !e! tag:e.com:\n<<...\n]? \t&x!!merge !!map true}!!map !!map - *&x &x *y%YAML 1.2\n\t>\n\r\n? `1?? `&@<<\n&-!foo \"!!str !<tag:x> **?[!!float !!map - !!set é: %TAG !e! tag:e.com:\n", "c.yaml: ")]
    [InlineData("\"a\\nb\": !foo x\n", "c.yaml: a\\nb: the tag !foo at line 1, column 9 cannot be on a value")]
    public void A_key_with_a_line_break_in_a_problem_is_escaped_so_the_problem_is_one_line(string yaml, string message)
    {
        var error = Refused(yaml);

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>What YAML means by merge keys, tags, anchored keys and aliases of names, read as YAML 1.1 and PyYAML read it.</summary>
    [Theory]
    [InlineData("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  z: 4\n", "m", """{"x":1,"y":3,"z":4}""")]
    [InlineData("b1: &b1 {x: 1}\nb2: &b2 {x: 2, w: 0}\nm: {<<: [*b1, *b2], q: 1}\n", "m", """{"x":1,"w":0,"q":1}""")]
    [InlineData("m: {z: 0, <<: {a: 1}}\n", "m", """{"a":1,"z":0}""")]
    [InlineData("m: {<<: []}\n", "m", "{}")]
    [InlineData("m: {\"<<\": 1}\n", "m", """{"<<":1}""")]
    [InlineData("m: {!!merge x: {a: 1}}\n", "m", """{"a":1}""")]
    [InlineData("m: {a: !!int 5, b: !!str 5, c: !!float 5, d: !!bool true, e: !!null ~, f: ! 5, g: !!str true}\n", "m", """{"a":5,"b":"5","c":5,"d":true,"e":null,"f":"5","g":"true"}""")]
    [InlineData("m: !!map {a: !!seq [1]}\n", "m", """{"a":[1]}""")]
    [InlineData("m: {&k a: 1, b: *k}\n", "m", """{"a":1,"b":"a"}""")]
    [InlineData("n: &n name\nm: {*n : 1}\n", "m", """{"name":1}""")]
    [InlineData("n: &n 7\nm: {*n : 1, b: *n}\n", "m", """{"7":1,"b":7}""")]
    public void Yaml_features_a_configuration_can_hold_are_read_as_yaml_means_them(string yaml, string key, string json)
    {
        var root = YamlTree.Build(yaml, "c.yaml")!;

        Assert.Equal(json, root[key]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static readonly string[] Pieces =
    [
        "a", ": ", "- ", "&x ", "*x", "&y ", "*y", "[", "]", "{", "}", ", ", "\n", "  ", "'", "\"", "#", "? ", "!!str ", "|\n", ">\n", "---\n", "...\n", "\\0", "%YAML 1.2\n", "\t", "<<: ", "@", "`",
        "*x : ", "<<", "~", "null", "1", "-1.5e3", "true", "!!int ", "!!float ", "!!bool ", "!!null ", "!!map ", "!!seq ", "!!set ", "!!merge ", "!foo ", "! ", "!<tag:x> ",
        "%TAG !e! tag:e.com:\n", "!e!t ", "&x", "*", "&", "\uFEFF", "\u00e9", "\r\n", ":", "-", "?",
    ];

    /// <summary>Scalars, aliases and the keys a file may misuse, for the structured texts below.</summary>
    private static readonly string[] Leaves = ["a", "b", "1", "-2.5", "true", "~", "null", "\"q\"", "'s'", "\"a\\nb\"", "<<", "*a", "*b", "*c"];

    /// <summary>What may stand before a node: nothing, an anchor, a tag (the core schema's, fitting or not, and others).</summary>
    private static readonly string[] Prefixes = ["&a ", "&b ", "&c ", "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!map ", "!!seq ", "!!merge ", "!!set ", "!foo ", "! ", "&a !!map "];

    /// <summary>
    /// Well-formed flow YAML, nested as deep as FsCheck's size lets it, whose every node may be anchored, aliased or tagged,
    /// and whose keys may be any node: text that reaches the tree builder (random pieces above mostly stop at the parser).
    /// </summary>
    private static Gen<string> Structured(int size)
    {
        var leaf = Gen.Elements(Leaves);
        if (size <= 1)
        {
            return Decorated(leaf);
        }

        var inner = Structured(size / 3);
        // A space before the colon: "*a:" would be an alias named "a:".
        var pair = Gen.Zip(Gen.Frequency((3, Decorated(leaf)), (1, inner)), inner, (key, value) => $"{key} : {value}");
        return Gen.Frequency(
            (2, Decorated(leaf)),
            (2, Decorated(pair.ListOf().Select(pairs => "{" + string.Join(", ", pairs) + "}"))),
            (1, Decorated(inner.ListOf().Select(items => "[" + string.Join(", ", items) + "]"))));
    }

    /// <summary>A node, one time in four with an anchor or a tag (more would make nearly every text a tag's error).</summary>
    private static Gen<string> Decorated(Gen<string> node) =>
        Gen.Zip(Gen.Frequency((3, Gen.Constant(string.Empty)), (1, Gen.Elements(Prefixes))), node, (prefix, text) => prefix + text);

    [SeededProperty(MaxTest = 2000)]
    public Property Any_well_formed_yaml_with_anchors_aliases_tags_and_merges_is_a_configuration_or_one_configuration_error() =>
        Prop.ForAll(Gen.Sized(Structured).Select(node => "root: " + node + "\n").ToArbitrary(), IsAConfigurationOrOneConfigurationError);

    /// <summary>Texts of the pieces above; a failing one shrinks by dropping pieces, to a short counterexample.</summary>
    private static Arbitrary<string[]> Texts() =>
        Arb.From(Gen.Elements(Pieces).ArrayOf(), parts => parts.Length <= 1
            ? []
            : new[] { parts[..(parts.Length / 2)], parts[(parts.Length / 2)..] }.Concat(parts.Select((_, i) => (string[])[.. parts[..i], .. parts[(i + 1)..]])));

    [SeededProperty(MaxTest = 2000)]
    public Property Any_text_is_a_configuration_or_one_configuration_error_and_nothing_else() =>
        Prop.ForAll(Texts(), parts => IsAConfigurationOrOneConfigurationError(string.Concat(parts)));

    /// <summary>Whether the text parses, or fails with one line naming the file; anything else thrown fails the property.</summary>
    private static bool IsAConfigurationOrOneConfigurationError(string text)
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
    }
}
