using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Slurm;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// The options every scheduler runner shares, read from an entry, written into a stored configuration and checked once for
/// all of them: each field under its own name, each problem naming its field.
/// </summary>
public sealed class BatchOptionFieldsSpecs
{
    /// <summary>Names as a runner with aliases would have them (Grid Engine's shape), so both spellings are exercised.</summary>
    private static readonly BatchOptionKeys Keys = new("h_vmem", "memory", "h_rt", "walltime", "script-directory", "qsub-options", time => time.ToString());

    private static (SlurmJobOptions Options, IReadOnlyList<Flepimop2ConfigurationException> Problems) Read(string json)
    {
        var reader = new OptionReader(JsonNode.Parse(json)!.AsObject());
        var options = BatchOptionFields.Read(reader, new SlurmJobOptions(), Keys);
        return (options, reader.Problems);
    }

    [Fact]
    public void Every_shared_key_is_known_in_each_of_its_spellings()
    {
        Assert.Equal(
            ["module", "options", "h_vmem", "memory", "h_rt", "walltime", "script-directory", "qsub-options", "chdir", "debug", "pre-commands", "post-commands", "executable", "max-parallel", "tasks-per-job"],
            BatchOptionFields.Known(Keys));
    }

    [Fact]
    public void A_runner_without_aliases_knows_each_name_once()
    {
        var keys = Keys with { MemoryAlias = null, TimeAlias = null };

        Assert.DoesNotContain("memory", BatchOptionFields.Known(keys));
        Assert.Equal(13, BatchOptionFields.Known(keys).Count());
    }

    [Fact]
    public void Every_shared_field_is_read_under_its_name()
    {
        var (options, problems) = Read("""
            {"h_vmem": "4G", "h_rt": "1:30:00", "chdir": "/scratch/run", "debug": true, "pre-commands": ["module load R"],
             "post-commands": "echo done", "script-directory": "scripts", "executable": "/opt/flepimop2", "max-parallel": 3,
             "tasks-per-job": 50}
            """);

        Assert.Empty(problems);
        Assert.Equal("4G", options.Memory?.ToString());
        Assert.Equal(5400, options.Time?.TotalSeconds);
        Assert.Equal("/scratch/run", options.Chdir);
        Assert.True(options.Debug);
        Assert.Equal(["module load R"], options.PreCommands);
        Assert.Equal(["echo done"], options.PostCommands);
        Assert.Equal("scripts", options.ScriptDirectory);
        Assert.Equal("/opt/flepimop2", options.Executable);
        Assert.Equal(3, options.MaxParallel);
        Assert.Equal(50, options.TasksPerJob);
    }

    [Fact]
    public void An_entry_that_gives_nothing_reads_as_the_defaults()
    {
        var (options, problems) = Read("{}");

        Assert.Empty(problems);
        Assert.Null(options.Memory);
        Assert.Null(options.Time);
        Assert.Null(options.Chdir);
        Assert.Null(options.Executable);
        Assert.False(options.Debug);
        Assert.Empty(options.PreCommands);
        Assert.Null(options.MaxParallel);
    }

    [Fact]
    public void The_aliases_read_as_the_names()
    {
        var (options, problems) = Read("""{"memory": 512, "walltime": 30}""");

        Assert.Empty(problems);
        Assert.Equal("512M", options.Memory?.ToString());
        Assert.Equal(1800, options.Time?.TotalSeconds);
    }

    [Fact]
    public void A_name_and_its_alias_at_once_are_refused_naming_both()
    {
        var (_, problems) = Read("""{"h_vmem": "1G", "memory": "2G"}""");

        var problem = Assert.Single(problems);
        Assert.Equal("memory", problem.Field);
        Assert.Equal("'memory' means the same as 'h_vmem', which is given too; keep one", problem.Problem);
    }

    [Theory]
    [InlineData("""{"h_vmem": [4]}""", "h_vmem", "a size like 4G, 500M or a number of megabytes")]
    [InlineData("""{"h_rt": {"h": 1}}""", "h_rt", "a time limit like 30 (minutes), 1:30:00 or 2-12:00:00")]
    [InlineData("""{"h_vmem": "lots"}""", "h_vmem", "expected a size like 4G, 500M or a number of megabytes, got 'lots'")]
    [InlineData("""{"h_rt": "soon"}""", "h_rt", "got 'soon'")]
    public void A_memory_or_time_that_is_not_one_names_its_field_what_was_expected_and_what_was_given(string json, string field, string said)
    {
        var (_, problems) = Read(json);

        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(said, problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shared_fields_are_written_under_the_names_the_original_writes()
    {
        var (options, _) = Read("""
            {"h_vmem": "4G", "h_rt": 90, "chdir": "/scratch/run", "debug": true, "pre-commands": ["a", "b"],
             "post-commands": ["c"], "script-directory": "scripts", "executable": "flepimop2", "max-parallel": 8}
            """);
        var config = new JsonObject();

        BatchOptionFields.Write(config, options, Keys);

        Assert.Equal(
            """{"h_vmem":"4G","h_rt":"0-01:30:00","chdir":"/scratch/run","debug":true,"pre_commands":["a","b"],"post_commands":["c"],"script_directory":"scripts","executable":"flepimop2","max_parallel":8}""",
            config.ToJsonString());
    }

    [Fact]
    public void Unset_fields_are_written_as_the_original_reads_them()
    {
        var config = new JsonObject();

        BatchOptionFields.Write(config, new SlurmJobOptions(), Keys);

        Assert.Equal(
            """{"h_vmem":null,"h_rt":null,"debug":false,"pre_commands":[],"post_commands":[],"script_directory":null,"executable":null}""",
            config.ToJsonString());
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("/opt/flepimop2\n", "must not contain a newline or other control character, got '/opt/flepimop2\\n'")]
    [InlineData("flepimop2 --verbose", "expected one program (a path, or a name on the node's PATH), got 'flepimop2 --verbose'; for a command with arguments, put a wrapper script on PATH")]
    public void An_executable_that_is_not_one_program_is_refused(string executable, string problem)
    {
        var problems = BatchOptionFields.Problems(new SlurmJobOptions { Executable = executable }, Keys, ["#$"], "the node's PATH");

        var found = Assert.Single(problems);
        Assert.Equal("executable", found.Field);
        Assert.Equal(problem, found.Problem);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-3, false)]
    [InlineData(1, true)]
    [InlineData(50, true)]
    public void Max_parallel_is_a_whole_number_of_at_least_one(int max, bool accepted)
    {
        var problems = BatchOptionFields.Problems(new SlurmJobOptions { MaxParallel = max }, Keys, ["#$"], "the node's PATH");

        if (accepted)
        {
            Assert.Empty(problems);
        }
        else
        {
            var problem = Assert.Single(problems);
            Assert.Equal("max-parallel", problem.Field);
            Assert.Equal($"must be a whole number of at least 1, got {max}", problem.Problem);
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(100001, false)]
    [InlineData(1, true)]
    [InlineData(100000, true)]
    public void Tasks_per_job_is_a_whole_number_from_one_to_the_largest_sweep(int packed, bool accepted)
    {
        var problems = BatchOptionFields.Problems(new SlurmJobOptions { TasksPerJob = packed }, Keys, ["#$"], "the node's PATH");

        if (accepted)
        {
            Assert.Empty(problems);
        }
        else
        {
            var problem = Assert.Single(problems);
            Assert.Equal("tasks-per-job", problem.Field);
            Assert.Equal($"must be a whole number from 1 to 100000, got {packed}", problem.Problem);
        }
    }

    [Fact]
    public void Each_text_field_and_each_command_line_is_checked_under_its_own_name()
    {
        var options = new SlurmJobOptions
        {
            Chdir = "a\tb",
            ScriptDirectory = string.Empty,
            PreCommands = ["ok", "#$ -l h_vmem=1K"],
            PostCommands = ["  #$ -N renamed"],
        };

        var problems = BatchOptionFields.Problems(options, Keys, ["#$"], "the node's PATH");

        Assert.Equal(["chdir", "script-directory", "pre-commands[1]", "post-commands[0]"], problems.Select(p => p.Field));
        Assert.Equal(
            "must not hold '#$' directives, which the scheduler would read as options; put qsub options under 'qsub-options', got '#$ -l h_vmem=1K'",
            problems[2].Problem);
    }

    [Fact]
    public void A_command_line_that_is_not_shell_text_is_named_once_whatever_else_it_holds()
    {
        var problems = new List<Flepimop2ConfigurationException>();

        BatchOptionChecks.Commands(problems, "pre-commands", [null!, "#$ -N x\0"], ["#$"], "qsub-options");

        Assert.Equal(["pre-commands[0]", "pre-commands[1]"], problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.Equal("must be a line of shell text", p.Problem));
    }
}
