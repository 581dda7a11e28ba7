using Flepimop2.Configuration;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Configuration;

public sealed class ConfigurationFileSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ConfigurationFile Parse(string yaml) => ConfigurationFile.Parse(yaml, "c.yaml", "/p/c.yaml");

    [Fact]
    public void I_can_read_the_originals_example_configuration()
    {
        var file = ConfigurationFile.Load(Path.Combine(TestPaths.Fixtures, "config.yaml"));

        Assert.Equal(["local", "bg"], file.Entries("jobs").Select(e => e.Name));
        Assert.Equal("local", file.Select("jobs", null).Name);
        Assert.False(file.Select("jobs", "local").Values["detach"]!.GetValue<bool>());
        Assert.Equal("/usr/local/bin:/usr/bin:/bin", file.Select("jobs", "bg").Values["env"]!["PATH"]!.GetValue<string>());
        Assert.Equal("true", file.Select("process", "ok").Values["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_configuration_read_through_a_pipe_is_known_as_one_and_keeps_its_text_for_a_copy()
    {
        var fifo = _temp.Combine("fifo.yaml");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var regular = _temp.Combine("config.yaml");
        const string Text = "jobs:\n  local: {module: shell}\n";
        File.WriteAllText(regular, Text);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var writer = Task.Run(() => File.WriteAllText(fifo, Text), limit.Token);

        var piped = await ConfigurationFile.LoadAsync(fifo, limit.Token);
        await writer;
        var file = await ConfigurationFile.LoadAsync(regular, limit.Token);
        var moved = piped.At("/kept/copy.yaml");

        Assert.True(piped.IsStream);
        Assert.False(file.IsStream);
        Assert.Equal(Text, piped.Text);
        Assert.Equal(("/kept/copy.yaml", fifo, false), (moved.FullPath, moved.DisplayPath, moved.IsStream));
        Assert.Equal("local", moved.Select("jobs", null).Name);
    }

    [Fact]
    public void A_list_section_has_one_entry_named_default()
    {
        var file = Parse("jobs:\n  - module: shell\n");

        var entry = file.Select("jobs", null);

        Assert.Equal("default", entry.Name);
        Assert.Equal("jobs.default", entry.Location);
        Assert.Equal("default", file.Select("jobs", "default").Name);
    }

    [Fact]
    public void An_unknown_target_is_an_error_listing_the_targets()
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => Parse("jobs:\n  a: {module: shell}\n  b: {module: shell}\n").Select("jobs", "c"));

        Assert.Equal("c.yaml: jobs: no target 'c'; targets: a, b", error.Message);
    }

    [Theory]
    [InlineData("jobs: 3\n", "c.yaml: jobs: expected a mapping from target name to module configuration, got '3'")]
    [InlineData("jobs: {}\n", "c.yaml: jobs: the section is empty")]
    [InlineData("jobs: []\n", "c.yaml: jobs: the section is empty")]
    [InlineData("process: {}\n", "c.yaml: jobs: the file has no 'jobs' section")]
    [InlineData("jobs:\n  a: 7\n", "c.yaml: jobs.a: expected a mapping with a 'module' key, got '7'")]
    [InlineData("jobs:\n  - module: shell\n  - module: shell\n", "c.yaml: jobs: a list may hold only one entry (it is named 'default'); use a mapping from target name to module for 2")]
    public void A_malformed_section_names_the_file_and_section(string yaml, string message)
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => Parse(yaml).Entries("jobs"));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("", "the configuration file is empty")]
    [InlineData("jobs: [\n", "invalid YAML at line")]
    [InlineData("- a\n- b\n", "the top level must be a mapping")]
    [InlineData("jobs:\n  a: 1\n  a: 2\n", "duplicate key 'a' at line 3")]
    public void Unreadable_yaml_is_one_line_naming_the_file(string yaml, string fragment)
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => Parse(yaml));

        Assert.StartsWith("c.yaml: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Scalars_follow_the_yaml_core_schema_and_quoted_values_stay_text()
    {
        var values = Parse("jobs:\n  a:\n    b: true\n    c: 'true'\n    d: 12\n    e: \"12\"\n    f: 1.5\n    g: ~\n    h: yes\n    i: 0x1F\n").Select("jobs", "a").Values;

        Assert.Equal("{\"b\":true,\"c\":\"true\",\"d\":12,\"e\":\"12\",\"f\":1.5,\"g\":null,\"h\":\"yes\",\"i\":\"0x1F\"}", values.ToJsonString());
    }

    [Fact]
    public void A_shorthand_entry_is_read_as_its_module_configuration()
    {
        var values = Parse("jobs:\n  quick: shell(detach=false)\n").Select("jobs", "quick").Values;

        Assert.Equal("{\"module\":\"shell\",\"detach\":false}", values.ToJsonString());
    }

    [Fact]
    public void The_default_configuration_is_the_first_existing_of_the_documented_names()
    {
        Directory.CreateDirectory(_temp.Combine("configs"));
        File.WriteAllText(_temp.Combine("configs", "config.yml"), "jobs: []");
        Assert.Equal("configs/config.yml", ConfigurationFile.FindDefault(_temp.Path));

        File.WriteAllText(_temp.Combine("configuration.yml"), "jobs: []");
        Assert.Equal("configuration.yml", ConfigurationFile.FindDefault(_temp.Path));

        File.WriteAllText(_temp.Combine("config.yaml"), "jobs: []");
        Assert.Equal("config.yaml", ConfigurationFile.FindDefault(_temp.Path));
    }

    [Fact]
    public void A_missing_file_is_a_configuration_error_naming_it()
    {
        var path = _temp.Combine("absent.yaml");

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => ConfigurationFile.Load(path));

        Assert.Equal($"{path}: configuration file not found", error.Message);
    }

    [Fact]
    public void A_bad_option_is_located_in_file_entry_and_field()
    {
        var file = Parse("jobs:\n  bg:\n    module: shell\n    detach: maybe\n");
        var entry = file.Select("jobs", "bg");

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildRunner("bg"));

        Assert.Equal("c.yaml: jobs.bg.detach: expected true or false, got 'maybe'", error.Message);
        Assert.Equal(System.Text.Json.JsonValueKind.String, entry.Values["detach"]!.GetValueKind());
    }

    [Fact]
    public void A_section_of_the_wrong_kind_and_a_missing_section_are_each_located_in_the_file()
    {
        var file = Parse("jobs: 5\n");

        var jobs = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildRunner(null));
        var process = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildStep("process", null));

        Assert.Equal("c.yaml: jobs: expected a mapping from target name to module configuration, got '5'", jobs.Message);
        Assert.Equal("c.yaml: process: the file has no 'process' section", process.Message);
    }

    [Fact]
    public void Every_problem_of_an_entry_is_reported_at_once()
    {
        var file = Parse("jobs:\n  a:\n    module: shell\n    detach: maybe\n    cwd: 5\n    env: [x]\nprocess:\n  p:\n    module: shell\n    args: {}\n  q: 7\n");

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildRunner("a"));
        var step = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildStep("process", "q"));

        Assert.Equal(
            [
                "c.yaml: jobs.a.cwd: expected a string, got '5'",
                "c.yaml: jobs.a.env: expected a mapping, got a list",
                "c.yaml: jobs.a.detach: expected true or false, got 'maybe'",
            ],
            error.Problems.Select(p => p.Message));
        Assert.Equal(string.Join('\n', error.Problems.Select(p => p.Message)), error.Message);
        Assert.Equal("c.yaml: process.q: expected a mapping with a 'module' key, got '7'", step.Message);
    }

    [Fact]
    public void Every_problem_of_a_slurm_entry_is_reported_at_once()
    {
        var file = Parse("jobs:\n  hpc:\n    module: slurm\n    memory: 4X\n    time: soon\n    nodes: 0\n    sbatch-options: {job-name: x, partition: \"a\\nb\"}\nprocess:\n  p: {module: shell, command: \"true\"}\n");

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildRunner("hpc"));

        Assert.Equal(5, error.Problems.Count);
        Assert.All(error.Problems, p => Assert.StartsWith("c.yaml: jobs.hpc.", p.Message, StringComparison.Ordinal));
        Assert.Equal(["memory", "time", "nodes", "sbatch-options.job-name", "sbatch-options.partition"], error.Problems.Select(p => p.Field));
    }

    private const string Simulate = """
        jobs:
          a: {module: shell}
        process:
          p: {module: shell, command: "true"}
        simulate:
          step:
            module: shell
            command: sh
            args: ["-c", "echo simulating"]
          original:
            engine: euler
            system: sir
            backend: csv
            times: [0, 100]
          broken:
            module: shell
            args: 3
        """;

    [Fact]
    public void A_simulate_target_is_built_as_a_step_like_a_process_target()
    {
        var file = Parse(Simulate);

        var (entry, step) = file.BuildStep(ConfigurationFile.SimulateSection, null);
        var named = file.BuildStep(ConfigurationFile.SimulateSection, "step");

        Assert.Equal("simulate.step", entry.Location);
        Assert.False(entry.IsSimulationSpecification);
        var shell = Assert.IsType<Flepimop2.Commands.ShellProcessStep>(step);
        Assert.Equal("sh", shell.Command);
        Assert.Equal(["-c", "echo simulating"], shell.Args);
        Assert.Equal("simulate.step", named.Entry.Location);
        Assert.Equal("jobs.a", file.BuildRunner(null).Entry.Location);
        Assert.Equal("process.p", file.BuildStep(ConfigurationFile.ProcessSection, null).Entry.Location);
    }

    [Fact]
    public void A_simulate_entry_without_a_module_is_the_originals_simulation_which_is_never_built_as_a_step()
    {
        var file = Parse(Simulate);
        var entry = file.Select(ConfigurationFile.SimulateSection, "original");

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildStep(ConfigurationFile.SimulateSection, "original"));

        Assert.True(entry.IsSimulationSpecification);
        Assert.Equal(
            "c.yaml: simulate.original: a simulation of the original flepimop2 (it has no 'module'), which this program cannot run itself; " +
            "make it a step (module: shell), or submit it with 'job simulate' to a runner whose 'executable' is the original program",
            error.Message);
    }

    [Fact]
    public void A_process_entry_without_a_module_is_a_step_missing_its_module()
    {
        var file = Parse("process:\n  p: {command: echo}\n");

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => file.BuildStep(ConfigurationFile.ProcessSection, "p"));

        Assert.False(file.Select(ConfigurationFile.ProcessSection, "p").IsSimulationSpecification);
        Assert.Equal("c.yaml: process.p.module: is required", error.Message);
    }

    [Fact]
    public void A_simulate_steps_problems_and_a_missing_simulate_section_are_located_like_a_process_steps()
    {
        var broken = Assert.Throws<Flepimop2ConfigurationException>(() => Parse(Simulate).BuildStep(ConfigurationFile.SimulateSection, "broken"));
        var missing = Assert.Throws<Flepimop2ConfigurationException>(() => Parse("jobs: 5\n").BuildStep(ConfigurationFile.SimulateSection, null));

        Assert.Equal(["c.yaml: simulate.broken.command: is required", "c.yaml: simulate.broken.args: expected a list, got '3'"], broken.Problems.Select(p => p.Message));
        Assert.Equal("c.yaml: simulate: the file has no 'simulate' section", missing.Message);
    }
}
