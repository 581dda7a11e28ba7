using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>What each Slurm option problem says, word for word, and that every one of them is found at once.</summary>
public sealed class SlurmValidatorMessageSpecs
{
    private static string[] Messages(SlurmJobOptions options) => [.. SlurmOptionsValidator.Problems(options).Select(p => p.Message)];

    public static TheoryData<string, string> ReservedOptions => new()
    {
        { "chdir", "use the 'chdir' option" },
        { "cpus-per-task", "use the 'cpus-per-task' option" },
        { "mem", "use the 'memory' option" },
        { "nodes", "use the 'nodes' option" },
        { "ntasks", "use the 'ntasks' option" },
        { "time", "use the 'time' option" },
        { "comment", "flepimop2 writes it" },
        { "job-name", "flepimop2 writes it" },
    };

    [Theory]
    [MemberData(nameof(ReservedOptions))]
    public void A_reserved_sbatch_option_says_what_to_use_instead(string key, string advice)
    {
        var messages = Messages(new SlurmJobOptions { SbatchOptions = new Dictionary<string, string?> { [key] = "1" } });

        Assert.Equal([$"sbatch-options.{key}: '{key}' is reserved ({advice}); the reserved sbatch options are array, chdir, comment, cpus-per-task, ignore-pbs, job-name, mem, nodes, ntasks, test-only, time, wait, wrap"], messages);
    }

    [Fact]
    public void Every_problem_is_found_at_once_and_named_by_its_field()
    {
        var messages = Messages(new SlurmJobOptions
        {
            CpusPerTask = 0,
            Nodes = -1,
            Ntasks = 0,
            Chdir = string.Empty,
            ScriptDirectory = "a\nb",
            Executable = "my tool",
            PreCommands = ["ok", "#SBATCH --time=9"],
            PostCommands = ["a\0b", "  #SBATCH --mem=1"],
            SbatchOptions = new Dictionary<string, string?> { ["--partition"] = "x", ["bad key"] = "x", ["account"] = "a\\b", ["qos"] = "it's \"q\"", ["flag"] = null },
        });

        Assert.Equal(
            [
                "cpus-per-task: must be a whole number of at least 1, got 0",
                "nodes: must be a whole number of at least 1, got -1",
                "ntasks: must be a whole number of at least 1, got 0",
                "chdir: must not be empty",
                "sbatch-directory: must not contain a newline or other control character, got 'a\\nb'",
                "executable: expected one program (a path, or a name on the compute node's PATH), got 'my tool'; for a command with arguments, put a wrapper script on PATH",
                "pre-commands[1]: must not hold '#SBATCH' directives, which the scheduler would read as options; put sbatch options under 'sbatch-options', got '#SBATCH --time=9'",
                "post-commands[0]: must be a line of shell text",
                "post-commands[1]: must not hold '#SBATCH' directives, which the scheduler would read as options; put sbatch options under 'sbatch-options', got '  #SBATCH --mem=1'",
                "sbatch-options: write option names without dashes ('partition', not '--partition')",
                "sbatch-options: 'bad key' is not an sbatch option name (letters, digits and dashes, like 'partition' or 'mail-type')",
                "sbatch-options.account: the value contains a backslash, which sbatch would drop, got 'a\\b'",
                "sbatch-options.qos: the value contains both ' and \", which no #SBATCH quoting can carry, got 'it's \"q\"'",
            ],
            messages);
    }

    [Fact]
    public void Building_a_runner_throws_one_problem_as_it_is_and_several_together()
    {
        var one = Assert.Throws<Flepimop2ConfigurationException>(() => new SlurmJobRunner(new SlurmJobOptions { Nodes = 0 }));
        var two = Assert.Throws<Flepimop2ConfigurationException>(() => new SlurmJobRunner(new SlurmJobOptions { Nodes = 0, Ntasks = 0 }));

        Assert.Single(one.Problems);
        Assert.Equal("nodes: must be a whole number of at least 1, got 0", one.Message);
        Assert.Equal(2, two.Problems.Count);
        Assert.Throws<ArgumentNullException>(() => SlurmOptionsValidator.Problems(null!));
    }

    [Fact]
    public void Valid_options_are_kept_and_unset_ones_stay_unset()
    {
        var set = new SlurmJobRunner(new SlurmJobOptions { Memory = MemoryRequest.Parse("2048"), Time = WallTime.Parse("90"), PreCommands = ["a"], PostCommands = ["b"], SbatchOptions = new Dictionary<string, string?> { ["qos"] = "it's" } });
        var unset = new SlurmJobRunner(new SlurmJobOptions { PreCommands = null!, PostCommands = null!, SbatchOptions = null! });

        Assert.Equal(("2048M", "0-01:30:00"), (set.Options.Memory.ToString(), set.Options.Time.ToString()));
        Assert.Equal(["a"], set.Options.PreCommands);
        Assert.Equal(["b"], set.Options.PostCommands);
        Assert.Null(unset.Options.Memory);
        Assert.Null(unset.Options.Time);
        Assert.Empty(unset.Options.PreCommands);
        Assert.Empty(unset.Options.PostCommands);
        Assert.Empty(unset.Options.SbatchOptions);
    }
}
