using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Internal;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Configuration;

/// <summary>What each configuration problem says, word for word, and the small rules under the reading of a file.</summary>
public sealed class ConfigurationMessageSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Flepimop2ConfigurationException Problem(Action action) => Assert.Throws<Flepimop2ConfigurationException>(action);

    [Theory]
    [InlineData("", null)]
    [InlineData("~", null)]
    [InlineData("null", null)]
    [InlineData("Null", null)]
    [InlineData("NULL", null)]
    [InlineData("true", "true")]
    [InlineData("True", "true")]
    [InlineData("TRUE", "true")]
    [InlineData("false", "false")]
    [InlineData("False", "false")]
    [InlineData("FALSE", "false")]
    [InlineData("tRue", "\"tRue\"")]
    [InlineData("-12", "-12")]
    [InlineData("+7", "7")]
    [InlineData("1.5e3", "1500")]
    [InlineData(".5", "0.5")]
    [InlineData("1e999", "\"1e999\"")]
    [InlineData("99999999999999999999", "1E+20")]
    public void Plain_scalars_follow_the_core_schema(string text, string? json)
    {
        Assert.Equal(json, YamlScalars.Resolve(text, plain: true)?.ToJsonString());
        Assert.Equal(JsonValue.Create(text).ToJsonString(), YamlScalars.Resolve(text, plain: false)!.ToJsonString());
    }

    [Theory]
    [InlineData("shell", "shorthand module configuration must have the form 'module_name(key=value, ...)', got 'shell'")]
    [InlineData("shell(detach)", "shorthand argument 'detach' must have the form key=value, in 'shell(detach)'")]
    [InlineData("shell(=1)", "shorthand argument '=1' must have the form key=value, in 'shell(=1)'")]
    [InlineData("shell(a b=1)", "shorthand argument 'a b=1' must have the form key=value, in 'shell(a b=1)'")]
    [InlineData("shell(a=1, a=2)", "shorthand argument 'a' is given twice, in 'shell(a=1, a=2)'")]
    [InlineData("shell(a='x)", "shorthand module configuration has an unclosed quote: 'shell(a='x)'")]
    public void Shorthand_problems_say_what_form_is_expected(string text, string message)
    {
        Assert.Equal(message, Problem(() => Shorthand.Parse(text)).Message);
    }

    [Fact]
    public void Shorthand_values_are_quoted_text_or_plain_scalars()
    {
        var parsed = Shorthand.Parse("slurm( memory = '4G' , nodes=2, debug=true, name=\"a, b\", q=', x=\"y\"')");

        Assert.Equal("{\"module\":\"slurm\",\"memory\":\"4G\",\"nodes\":2,\"debug\":true,\"name\":\"a, b\",\"q\":\", x=\\u0022y\\u0022\"}", parsed.ToJsonString());
        Assert.Throws<ArgumentNullException>(() => Shorthand.Parse(null!));
    }

    public static TheoryData<string, string, string> ReaderProblems => new()
    {
        { "{\"f\": \"\"}", "string", "f: must not be empty" },
        { "{\"f\": 1}", "string", "f: expected a string, got '1'" },
        { "{}", "required", "f: is required" },
        { "{\"f\": null}", "required", "f: is required" },
        { "{\"f\": \"yes\"}", "bool", "f: expected true or false, got 'yes'" },
        { "{\"f\": 0}", "int", "f: must be a whole number of at least 1, got 0" },
        { "{\"f\": 2147483648}", "int", "f: must be a whole number of at least 1, got 2147483648" },
        { "{\"f\": 1.5}", "int", "f: expected a whole number, got '1.5'" },
        { "{\"f\": [1]}", "map", "f: expected a mapping, got a list" },
        { "{\"f\": {\"a\": {}}}", "map", "f.a: expected a single value, got a mapping" },
        { "{\"f\": {\"a\": null}}", "map", "f.a: expected a single value, got nothing" },
        { "{\"f\": {}}", "list", "f: expected a list, got a mapping" },
        { "{\"f\": [1, [2]]}", "list", "f[1]: expected a single value, got a list" },
        { "{\"f-g\": 1, \"f_g\": 2}", "twice", "f-g: is given twice, as 'f-g' and as 'f_g'; keep one" },
    };

    [Theory]
    [MemberData(nameof(ReaderProblems))]
    public void Each_problem_an_option_can_have_names_its_field_and_value(string json, string read, string message)
    {
        var reader = new OptionReader(JsonNode.Parse(json)!.AsObject());
        _ = read switch
        {
            "string" => (object?)reader.OptionalString("f"),
            "required" => reader.RequiredString("f"),
            "bool" => reader.Bool("f", fallback: true),
            "int" => reader.PositiveInt("f"),
            "map" => reader.StringMap("f"),
            "list" => reader.StringList("f"),
            _ => reader.Get("f-g"),
        };

        Assert.Equal([message], reader.Problems.Select(p => p.Message));
        Assert.Equal(message, Problem(() => reader.ThrowIfAny()).Message);
    }

    [Fact]
    public void Good_values_are_read_and_bad_ones_give_their_fallback()
    {
        var reader = new OptionReader(JsonNode.Parse("{\"s\": \"x\", \"b\": true, \"c\": false, \"n\": 2147483647, \"m\": {\"a\": 1, \"b\": true}, \"l\": [\"x\", 2, false], \"block\": \"a\\n\\n  b\\r\\n\", \"bad\": 7, \"u_v\": 3}")!.AsObject());

        Assert.Equal("x", reader.RequiredString("s"));
        Assert.True(reader.Bool("b", fallback: false));
        Assert.False(reader.Bool("c", fallback: true));
        Assert.True(reader.Bool("missing", fallback: true));
        Assert.Equal(int.MaxValue, reader.PositiveInt("n"));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "true" }, reader.StringMap("m"));
        Assert.Equal(["x", "2", "false"], reader.StringList("l"));
        Assert.Equal(["a", "  b"], reader.LinesOrBlock("block"));
        Assert.Equal(["x", "2", "false"], reader.LinesOrBlock("l"));
        Assert.Empty(reader.LinesOrBlock("missing"));
        Assert.True(reader.Bool("bad", fallback: true));
        Assert.Equal(3, reader.PositiveInt("u-v"));
        Assert.Single(reader.Problems);
        Assert.Null(reader.StringMap("missing"));
        Assert.Null(reader.StringList("missing"));
    }

    [Fact]
    public void Unknown_keys_in_either_spelling_of_a_known_one_are_not_kept()
    {
        var extra = OptionReader.UnknownKeys(JsonNode.Parse("{\"log_directory\": 1, \"log-directory\": 2, \"site\": {\"a\": 1}, \"other_key\": 3}")!.AsObject(), ["log-directory"]);

        Assert.Equal("{\"site\":{\"a\":1},\"other_key\":3}", extra.ToJsonString());
        Assert.Equal("{\"module\":\"m\",\"site\":{\"a\":1},\"other_key\":3}", OptionReader.WithUnknownKeys(new JsonObject { ["module"] = "m" }, extra).ToJsonString());
    }

    [Theory]
    [InlineData("null", "nothing")]
    [InlineData("{}", "a mapping")]
    [InlineData("[]", "a list")]
    [InlineData("\"a\\u001bb\"", "'a\\x1bb'")]
    [InlineData("true", "'true'")]
    [InlineData("1.5", "'1.5'")]
    public void Values_are_described_for_messages_with_control_characters_escaped(string json, string description)
    {
        Assert.Equal(description, OptionReader.Describe(JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("3", "3")]
    [InlineData("\"s\"", "s")]
    [InlineData("null", null)]
    [InlineData("[1]", null)]
    public void Scalars_are_read_as_text(string json, string? text)
    {
        Assert.Equal(text, OptionReader.ScalarText(JsonNode.Parse(json)));
    }

    [Fact]
    public void The_default_configuration_names_are_tried_in_order()
    {
        Assert.Equal(
            ["config.yaml", "config.yml", "configuration.yaml", "configuration.yml", "configs/config.yaml", "configs/config.yml", "configs/configuration.yaml", "configs/configuration.yml"],
            ConfigurationFile.DefaultNames);
        Assert.Null(ConfigurationFile.FindDefault(_temp.Path));
        Directory.CreateDirectory(_temp.Combine("configs"));
        foreach (var name in ConfigurationFile.DefaultNames.Reverse())
        {
            File.WriteAllText(_temp.Combine(name), "x: 1\n");
            Assert.Equal(name, ConfigurationFile.FindDefault(_temp.Path));
        }
    }

    [Fact]
    public void A_file_is_read_as_utf8_with_or_without_a_byte_order_mark()
    {
        File.WriteAllBytes(_temp.Combine("bom.yaml"), [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("jobs:\n  a: {module: shell}\n")]);
        File.WriteAllBytes(_temp.Combine("latin1.yaml"), [(byte)'a', (byte)':', (byte)' ', 0xE9, (byte)'\n']);

        var bom = ConfigurationFile.Load(_temp.Combine("bom.yaml"));
        var latin1 = Problem(() => ConfigurationFile.Load(_temp.Combine("latin1.yaml")));
        var missing = Problem(() => ConfigurationFile.Load(_temp.Combine("nope.yaml")));
        var directory = Problem(() => ConfigurationFile.Load(_temp.Path));

        Assert.Equal("a", bom.Select("jobs", null).Name);
        Assert.Equal($"{_temp.Combine("latin1.yaml")}: the configuration file is not UTF-8 text: byte 0xE9 at line 1, column 4 is not part of a UTF-8 character; save the file as UTF-8", latin1.Message);
        Assert.Equal($"{_temp.Combine("nope.yaml")}: configuration file not found", missing.Message);
        Assert.StartsWith($"{_temp.Path}: cannot read the configuration file: ", directory.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "0xFF at line 1, column 1")]
    [InlineData(new byte[] { (byte)'a', (byte)'\n', 0xC3, 0xA9, 0xC3 }, "0xC3 at line 2, column 2")]
    [InlineData(new byte[] { (byte)'\n', (byte)'\n', (byte)'x', 0xED, 0xA0, 0x80 }, "0xED at line 3, column 2")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a', 0xC0, 0xAF }, "0xC0 at line 1, column 2")]
    public void A_file_that_is_not_utf8_is_refused_saying_where_it_stops_being_utf8(byte[] content, string where)
    {
        File.WriteAllBytes(_temp.Combine("bad.yaml"), content);

        var problem = Problem(() => ConfigurationFile.Load(_temp.Combine("bad.yaml")));

        Assert.Contains($"is not UTF-8 text: byte {where} is not part of a UTF-8 character", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_larger_than_the_bound_is_refused_before_it_is_parsed()
    {
        await File.WriteAllTextAsync(_temp.Combine("big.yaml"), "a: " + new string('x', (int)ConfigurationFile.MaxFileBytes) + "\n");

        var error = await Assert.ThrowsAsync<Flepimop2ConfigurationException>(() => ConfigurationFile.LoadAsync(_temp.Combine("big.yaml")));

        Assert.Equal($"{_temp.Combine("big.yaml")}: the configuration file is larger than 8 MiB", error.Message);
    }

    [Theory]
    [InlineData("jobs:\n  - module: shell\n  - module: slurm\n", "c.yaml: jobs: a list may hold only one entry (it is named 'default'); use a mapping from target name to module for 2")]
    [InlineData("jobs: []\n", "c.yaml: jobs: the section is empty")]
    [InlineData("jobs:\n  \"a\\nb\": 5\n", "c.yaml: jobs.a\\nb: expected a mapping with a 'module' key, got '5'")]
    [InlineData("jobs: {}\n", "c.yaml: jobs: the section is empty")]
    [InlineData("jobs: ~\n", "c.yaml: jobs: the file has no 'jobs' section")]
    [InlineData("jobs:\n  a: 5\n  b: [1]\n", "c.yaml: jobs.a: expected a mapping with a 'module' key, got '5'\nc.yaml: jobs.b: expected a mapping with a 'module' key, got a list")]
    [InlineData("jobs:\n  a: shell(detach=)x\n", "c.yaml: jobs.a: shorthand module configuration must have the form 'module_name(key=value, ...)', got 'shell(detach=)x'")]
    [InlineData("- 1\n", "c.yaml: the top level must be a mapping with 'jobs' and 'process' or 'simulate' sections, got a list")]
    [InlineData("jobs:\n  ? [a]\n  : 1\n", "c.yaml: jobs: a mapping key at line 2, column 5 is a list; a key must be a name")]
    [InlineData("a: 1\n---\nb: 2\n", "c.yaml: the configuration file holds more than one YAML document")]
    [InlineData("a: [1\n", "c.yaml: invalid YAML at line 2, column 1: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("# only a comment\n", "c.yaml: the configuration file is empty")]
    public void Section_and_file_problems_say_exactly_what_is_wrong(string yaml, string message)
    {
        Assert.Equal(message, Problem(() => ConfigurationFile.Parse(yaml, "c.yaml", "/p/c.yaml").Entries("jobs")).Message);
    }

    [Fact]
    public void A_runners_validation_issues_become_one_located_line_each()
    {
        var file = ConfigurationFile.Parse("jobs:\n  a: {module: shell}\n", "c.yaml", "/p/c.yaml");
        var entry = file.Select("jobs", "a");

        var error = file.Locate(entry, [new ValidationIssue("no such dir", "missing_directory") { Field = "cwd" }, new ValidationIssue("no sh", "missing_executable")]);

        Assert.Equal(["c.yaml: jobs.a.cwd: no such dir [missing_directory]", "c.yaml: jobs.a: no sh [missing_executable]"], error.Problems.Select(p => p.Message));
        Assert.Equal(42, file.Locate(entry, () => 42));
        Assert.Equal("c.yaml: jobs.a.x: bad", Problem(() => file.Locate<int>(entry, () => throw new Flepimop2ConfigurationException("bad", field: "x"))).Message);
    }
}
