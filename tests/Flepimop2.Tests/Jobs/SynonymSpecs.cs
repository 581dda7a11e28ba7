using System.Text.Json.Nodes;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Jobs.Slurm;

namespace Flepimop2.Tests.Jobs;

/// <summary>
/// Two names for one setting given together would let one silently win: every such pair is refused, on both schedulers,
/// by a message that names both.
/// </summary>
public sealed class SynonymSpecs
{
    [Theory]
    [InlineData("time", "1:00:00", "h_rt", "2:00:00")]
    [InlineData("memory", "1G", "h_vmem", "2G")]
    public void A_grid_engine_option_given_under_both_its_names_is_refused_naming_both(string alias, string aliasValue, string name, string value)
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => GridEngineJobRunner.FromConfiguration(new JsonObject { [alias] = aliasValue, [name] = value }));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(alias, problem.Field);
        Assert.Contains($"'{alias}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h_rt", "1:00:00", "h_rt=2:00:00")]
    [InlineData("time", "1:00:00", "h_rt=2:00:00")]
    [InlineData("h_vmem", "1G", "h_vmem=2G")]
    [InlineData("memory", "1G", "arch=*,h_vmem=2G")]
    [InlineData(null, null, "h_vmem=2G")]
    [InlineData(null, null, "h_rt=10")]
    public void A_grid_engine_limit_given_in_qsub_options_l_is_refused_naming_the_option_and_its_synonym(string? option, string? value, string resources)
    {
        var config = new JsonObject { ["qsub-options"] = new JsonObject { ["l"] = resources } };
        if (option is not null)
        {
            config[option] = value;
        }

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => GridEngineJobRunner.FromConfiguration(config));

        var problem = Assert.Single(error.Problems);
        var (name, alias) = resources.Contains("h_vmem", StringComparison.Ordinal) ? ("h_vmem", "memory") : ("h_rt", "time");
        Assert.Equal("qsub-options.l", problem.Field);
        Assert.Contains($"the '{name}' option (or its synonym '{alias}')", problem.Problem, StringComparison.Ordinal);
        Assert.Contains(resources, problem.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("queue", "all.q", "q")]
    [InlineData("project", "p", "P")]
    [InlineData("slots", 2, "pe")]
    [InlineData("chdir", "/tmp", "wd")]
    [InlineData("chdir", "/tmp", "cwd")]
    [InlineData("max-parallel", 2, "tc")]
    public void A_grid_engine_option_given_again_as_its_qsub_option_is_refused_naming_both(string option, object value, string qsub)
    {
        var config = new JsonObject { [option] = Node(value), ["qsub-options"] = new JsonObject { [qsub] = "x" } };

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => GridEngineJobRunner.FromConfiguration(config));

        var problem = Assert.Single(error.Problems);
        Assert.Equal($"qsub-options.{qsub}", problem.Field);
        Assert.Contains($"'{qsub}' is reserved", problem.Problem, StringComparison.Ordinal);
        Assert.Contains($"'{option}'", problem.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memory", "1G", "mem")]
    [InlineData("time", "10", "time")]
    [InlineData("chdir", "/tmp", "chdir")]
    [InlineData("cpus-per-task", 2, "cpus-per-task")]
    [InlineData("nodes", 1, "nodes")]
    [InlineData("ntasks", 1, "ntasks")]
    public void A_slurm_option_given_again_in_sbatch_options_is_refused_naming_both(string option, object value, string sbatch)
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(Slurm(option, value, sbatch)));

        var problem = Assert.Single(error.Problems);
        Assert.Equal($"sbatch-options.{sbatch}", problem.Field);
        Assert.Contains($"'{sbatch}' is reserved (use the '{option}' option)", problem.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mem-per-cpu")]
    [InlineData("mem-per-gpu")]
    public void Slurm_memory_with_a_memory_per_cpu_or_gpu_in_sbatch_options_is_refused_naming_both(string sbatch)
    {
        var alone = SlurmJobRunner.FromConfiguration(new JsonObject { ["module"] = SlurmJobRunner.ModuleName, ["sbatch-options"] = new JsonObject { [sbatch] = "1G" } });

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(Slurm("memory", "2G", sbatch)));

        Assert.Equal("1G", alone.Options.SbatchOptions[sbatch]);
        var problem = Assert.Single(error.Problems);
        Assert.Equal($"sbatch-options.{sbatch}", problem.Field);
        Assert.Equal($"'{sbatch}' and the 'memory' option (sbatch's --mem) both set the job's memory; keep one", problem.Problem);
    }

    [Theory]
    [InlineData("memory", "1G", "me", "mem")]
    [InlineData("time", "10", "tim", "time")]
    [InlineData("chdir", "/tmp", "chd", "chdir")]
    [InlineData("cpus-per-task", 2, "cpus-per", "cpus-per-task")]
    [InlineData("nodes", 1, "nod", "nodes")]
    [InlineData("ntasks", 1, "ntask", "ntasks")]
    [InlineData(null, null, "job-n", "job-name")]
    [InlineData(null, null, "arr", "array")]
    public void An_abbreviation_sbatch_reads_as_a_reserved_option_is_refused_naming_both(string? option, object? value, string sbatch, string full)
    {
        var config = Slurm(option, value, sbatch);

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(config));

        var problem = Assert.Single(error.Problems);
        Assert.Equal($"sbatch-options.{sbatch}", problem.Field);
        Assert.StartsWith($"sbatch reads '{sbatch}' as an abbreviation of '{full}', which is reserved", problem.Problem, StringComparison.Ordinal);
        if (option is not null)
        {
            Assert.Contains($"(use the '{option}' option)", problem.Problem, StringComparison.Ordinal);
        }
    }

    private static JsonValue? Node(object? value) => value switch
    {
        int n => JsonValue.Create(n),
        string text => JsonValue.Create(text),
        _ => null,
    };

    private static JsonObject Slurm(string? option, object? value, string sbatch)
    {
        var config = new JsonObject { ["module"] = SlurmJobRunner.ModuleName, ["sbatch-options"] = new JsonObject { [sbatch] = "1" } };
        if (option is not null)
        {
            config[option] = Node(value);
        }

        return config;
    }
}
