using System.Text.Json.Nodes;
using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.Slurm;

public sealed class SlurmOptionSpecs
{
    [Theory]
    [InlineData("4G", "4G")]
    [InlineData("500m", "500M")]
    [InlineData("2.5T", "2560G")]
    [InlineData("1.5M", "1536K")]
    [InlineData("0.5g", "512M")]
    [InlineData("1024", "1024M")]
    [InlineData(" 16k ", "16K")]
    [InlineData("0500M", "500M")]
    public void I_can_write_memory_as_a_size_or_a_number_of_megabytes(string written, string normalized)
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(("memory", written)));

        Assert.Equal(normalized, runner.Options.Memory.ToString());
    }

    [Fact]
    public void A_memory_number_in_yaml_is_megabytes()
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(("memory", 2048)));

        Assert.Equal("2048M", runner.Options.Memory.ToString());
    }

    [Theory]
    [InlineData("4X")]
    [InlineData("4GB")]
    [InlineData("0")]
    [InlineData("0G")]
    [InlineData("-1G")]
    [InlineData("G")]
    [InlineData("")]
    [InlineData("1.0000001K")]
    [InlineData("4 G G")]
    public void A_memory_value_that_is_not_a_size_is_refused_naming_the_field_and_value(string written)
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(Config(("memory", written))));

        Assert.Equal("memory", error.Field);
        Assert.Contains($"got '{written}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected a size like 4G, 500M or a number of megabytes", error.Message, StringComparison.Ordinal);
    }

    [SeededProperty(MaxTest = 300)]
    public Property Any_whole_memory_amount_in_any_unit_and_case_keeps_its_amount_with_an_upper_case_unit() =>
        Prop.ForAll(
            Gen.Zip(Gen.Choose(1, (1 << 23) - 1), Gen.Elements("k", "K", "m", "M", "g", "G", "t", "T")).ToArbitrary(),
            pair =>
            {
                var (amount, unit) = pair;
                return MemoryRequest.TryParse($"{amount}{unit}", out var memory)
                    && memory.ToString() == $"{amount}{unit.ToUpperInvariant()}";
            });

    [Theory]
    [InlineData("8388608T")]
    [InlineData("8589934592G")]
    [InlineData("9223372036854775807")]
    public void A_memory_amount_of_8_EiB_or_more_is_refused(string written)
    {
        Assert.False(MemoryRequest.TryParse(written, out _));
    }

    [Fact]
    public void The_largest_memory_amount_is_just_below_8_EiB_and_its_bytes_fit()
    {
        Assert.True(MemoryRequest.TryParse("8388607T", out var memory));
        Assert.Equal(8_388_607L << 40, memory.Bytes);
    }

    [SeededProperty(MaxTest = 300)]
    public Property A_fractional_memory_amount_becomes_the_same_size_in_a_smaller_unit() =>
        Prop.ForAll(
            Gen.Zip(Gen.Zip(Gen.Choose(0, 100_000), Gen.Elements(0.5m, 0.25m, 0.125m, 0.75m)), Gen.Elements('M', 'G', 'T')).ToArbitrary(),
            t =>
            {
                var ((whole, fraction), unit) = t;
                var text = $"{(whole + fraction).ToString(System.Globalization.CultureInfo.InvariantCulture)}{unit}";
                var kilobytes = (whole + fraction) * (1L << (10 * "KMGT".IndexOf(unit, StringComparison.Ordinal)));
                return MemoryRequest.TryParse(text, out var memory)
                    && memory.Bytes == kilobytes * 1024
                    && memory.Unit != unit;
            });

    [Theory]
    [InlineData("30", "0-00:30:00")]
    [InlineData("90", "0-01:30:00")]
    [InlineData("30:15", "0-00:30:15")]
    [InlineData("1:30:00", "0-01:30:00")]
    [InlineData("100:00:00", "4-04:00:00")]
    [InlineData("2-12", "2-12:00:00")]
    [InlineData("2-12:30", "2-12:30:00")]
    [InlineData("2-12:30:05", "2-12:30:05")]
    [InlineData("0-00:00:01", "0-00:00:01")]
    [InlineData("unlimited", "UNLIMITED")]
    [InlineData("INFINITE", "UNLIMITED")]
    public void I_can_write_a_time_limit_in_any_slurm_form_and_it_is_rendered_as_days_hours_minutes_seconds(string written, string normalized)
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(("time", written)));

        Assert.Equal(normalized, runner.Options.Time.ToString());
    }

    [Fact]
    public void A_time_number_in_yaml_is_minutes()
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(("time", 1)));

        Assert.Equal("0-00:01:00", runner.Options.Time.ToString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0:00")]
    [InlineData("1:60")]
    [InlineData("1:60:00")]
    [InlineData("1-24")]
    [InlineData("1-2:3:4:5")]
    [InlineData("-5")]
    [InlineData("1h")]
    [InlineData("1.5")]
    [InlineData("")]
    public void A_time_limit_slurm_would_not_read_is_refused_naming_the_field_and_value(string written)
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(Config(("time", written))));

        Assert.Equal("time", error.Field);
        Assert.Contains($"got '{written}'", error.Message, StringComparison.Ordinal);
    }

    [SeededProperty(MaxTest = 500)]
    public Property Every_slurm_time_form_means_the_same_seconds_and_renders_back_to_itself() =>
        Prop.ForAll(
            Gen.Zip(Gen.Zip(Gen.Zip(Gen.Choose(0, 400), Gen.Choose(0, 23)), Gen.Zip(Gen.Choose(0, 59), Gen.Choose(0, 59))), Gen.Choose(0, 5)).ToArbitrary(),
            t =>
            {
                var (((d, h), (m, s)), form) = t;
                var (text, seconds) = form switch
                {
                    0 => ($"{(d * 24 + h) * 60 + m}", (((d * 24L) + h) * 60 + m) * 60),
                    1 => ($"{(d * 24 + h) * 60 + m}:{s:00}", ((((d * 24L) + h) * 60) + m) * 60 + s),
                    2 => ($"{d * 24 + h}:{m:00}:{s}", ((((d * 24L) + h) * 60) + m) * 60 + s),
                    3 => ($"{d}-{h}", ((d * 24L) + h) * 3600),
                    4 => ($"{d}-{h}:{m}", (((d * 24L) + h) * 60 + m) * 60),
                    _ => ($"{d}-{h:00}:{m:00}:{s:00}", ((((d * 24L) + h) * 60) + m) * 60 + s),
                };
                if (seconds == 0)
                {
                    return !WallTime.TryParse(text, out _);
                }

                return WallTime.TryParse(text, out var time)
                    && time.TotalSeconds == seconds
                    && WallTime.TryParse(time.ToString(), out var again)
                    && again == time
                    && System.Text.RegularExpressions.Regex.IsMatch(time.ToString(), @"^[0-9]+-[0-9]{2}:[0-9]{2}:[0-9]{2}$");
            });

    [Theory]
    [InlineData("cpus-per-task")]
    [InlineData("nodes")]
    [InlineData("ntasks")]
    public void A_zero_or_negative_count_is_refused_naming_the_field(string field)
    {
        foreach (var value in new[] { 0, -2 })
        {
            var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(Config((field, value))));

            Assert.Equal(field, error.Field);
            Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("chdir")]
    [InlineData("comment")]
    [InlineData("cpus-per-task")]
    [InlineData("job-name")]
    [InlineData("mem")]
    [InlineData("nodes")]
    [InlineData("ntasks")]
    [InlineData("time")]
    [InlineData("wrap")]
    [InlineData("test-only")]
    [InlineData("wait")]
    [InlineData("ignore-pbs")]
    public void A_reserved_sbatch_option_is_refused_with_a_message_naming_the_reserved_options(string option)
    {
        var config = Config(("sbatch-options", new JsonObject { [option] = "1" }));

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(config));

        Assert.Equal($"sbatch-options.{option}", error.Field);
        Assert.Contains($"'{option}' is reserved", error.Message, StringComparison.Ordinal);
        Assert.Contains("array, chdir, comment, cpus-per-task, ignore-pbs, job-name, mem, nodes, ntasks, test-only, time, wait, wrap", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("back\\slash")]
    [InlineData("both ' and \"")]
    public void An_sbatch_option_value_a_directive_cannot_carry_is_refused(string value)
    {
        var config = Config(("sbatch-options", new JsonObject { ["partition"] = value }));

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(config));

        Assert.Equal("sbatch-options.partition", error.Field);
    }

    [Theory]
    [InlineData("--partition")]
    [InlineData("part ition")]
    [InlineData("x=y")]
    [InlineData("9lives")]
    public void An_sbatch_option_name_that_is_not_an_option_name_is_refused(string key)
    {
        var config = Config(("sbatch-options", new JsonObject { [key] = "debug" }));

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(config));

        Assert.Equal("sbatch-options", error.Field);
    }

    [Fact]
    public void A_false_sbatch_flag_is_refused_with_advice()
    {
        var config = Config(("sbatch-options", new JsonObject { ["requeue"] = false }));

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(config));

        Assert.Contains("no-requeue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pre_command_may_not_smuggle_in_an_sbatch_directive()
    {
        var config = Config(("pre-commands", new JsonArray("module load x", "#SBATCH --time=99")));

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(config));

        Assert.Equal("pre-commands[1]", error.Field);
    }

    [Fact]
    public void A_chdir_with_a_newline_is_refused()
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => new SlurmJobRunner(new SlurmJobOptions { Chdir = "/tmp/a\nb" }));

        Assert.Equal("chdir", error.Field);
    }

    [Fact]
    public void A_bare_executable_name_with_arguments_in_it_is_refused()
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => new SlurmJobRunner(new SlurmJobOptions { Executable = "python3 -m flepimop2" }));

        Assert.Equal("executable", error.Field);
        Assert.Contains("'python3 -m flepimop2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pre_and_post_commands_may_be_a_list_or_one_block_of_text()
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(
            ("pre-commands", "module load r\n\nexport X=1\n"),
            ("post-commands", new JsonArray("echo done"))));

        Assert.Equal(["module load r", "export X=1"], runner.Options.PreCommands);
        Assert.Equal(["echo done"], runner.Options.PostCommands);
    }

    [Fact]
    public void The_configuration_written_back_has_every_option_the_upstream_record_has_plus_executable_and_keeps_unknown_keys()
    {
        var upstream = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, ".flepimop2_cache", "job", "handles", "slurm-123456.json")))!["job_config"]!.AsObject();
        upstream["site-note"] = "kept";

        var written = SlurmJobRunner.FromConfiguration(upstream).ToConfiguration();

        var expectedKeys = upstream.Select(kv => kv.Key).Append("executable").Order(StringComparer.Ordinal);
        Assert.Equal(expectedKeys, written.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal("1024M", (string?)written["memory"]);
        Assert.Equal("0-01:00:00", (string?)written["time"]);
        Assert.Equal("debug", (string?)written["sbatch_options"]!["partition"]);
        Assert.Equal("kept", (string?)written["site-note"]);
        Assert.True(JsonNode.DeepEquals(written, JobRunners.Build(written).ToConfiguration()));
    }

    [Fact]
    public void The_stored_configuration_is_in_the_shape_the_original_slurm_runner_reads()
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(
            ("cpus-per-task", 2),
            ("memory", "4G"),
            ("nodes", 1),
            ("ntasks", 1),
            ("time", "1:00:00"),
            ("pre-commands", new JsonArray("module load r")),
            ("sbatch-options", new JsonObject { ["exclusive"] = true, ["partition"] = "debug" })));

        var stored = runner.ToConfiguration();

        // Underscored names as the original's model_dump() writes them; a flag as an empty value, never null or true;
        // no null chdir (the original refuses null, and takes a missing one as the current directory).
        Assert.Equal(
            ["cpus_per_task", "debug", "executable", "memory", "module", "nodes", "ntasks", "options", "post_commands", "pre_commands", "sbatch_directory", "sbatch_options", "time"],
            stored.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal(string.Empty, (string?)stored["sbatch_options"]!["exclusive"]);
        Assert.Equal("0-01:00:00", (string?)stored["time"]);
        Assert.Equal(2, (int?)stored["cpus_per_task"]);
        Assert.Null(SlurmJobRunner.FromConfiguration(stored).Options.SbatchOptions["exclusive"]);
        Assert.Equal(runner.Options.PreCommands, SlurmJobRunner.FromConfiguration(stored).Options.PreCommands);
    }

    [Fact]
    public void Dashed_and_underscored_names_are_both_read_but_not_both_at_once()
    {
        var dashed = SlurmJobRunner.FromConfiguration(Config(("cpus-per-task", 3), ("sbatch-directory", "/tmp/s")));
        var underscored = SlurmJobRunner.FromConfiguration(Config(("cpus_per_task", 3), ("sbatch_directory", "/tmp/s")));
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(Config(("cpus-per-task", 3), ("cpus_per_task", 4))));

        Assert.Equal(dashed.Options, underscored.Options with { SbatchOptions = dashed.Options.SbatchOptions, PreCommands = dashed.Options.PreCommands, PostCommands = dashed.Options.PostCommands });
        Assert.Equal(3, underscored.Options.CpusPerTask);
        Assert.Equal("/tmp/s", underscored.Options.ScriptDirectory);
        Assert.Contains("given twice, as 'cpus-per-task' and as 'cpus_per_task'", error.Message, StringComparison.Ordinal);
        Assert.False(underscored.ToConfiguration().ContainsKey("cpus-per-task"));
    }

    [Fact]
    public void A_flag_sbatch_option_round_trips_as_a_flag()
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(("sbatch-options", new JsonObject { ["exclusive"] = true, ["partition"] = "debug" })));

        Assert.Null(runner.Options.SbatchOptions["exclusive"]);
        var again = SlurmJobRunner.FromConfiguration(runner.ToConfiguration());
        Assert.Equal(runner.Options.SbatchOptions, again.Options.SbatchOptions);
    }

    [Theory]
    [InlineData(true, "#SBATCH --requeue\n")]
    [InlineData(false, "#SBATCH --no-requeue\n")]
    public void Requeue_true_or_false_is_read_stored_and_rendered_as_its_sbatch_flag(bool requeue, string directive)
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(("requeue", requeue)));

        var stored = runner.ToConfiguration();
        var script = SlurmScripts.Render(runner.Options, ["flepimop2"], new DummyCommand("exit", "0"), "/work").Text;

        Assert.Equal(requeue, runner.Options.Requeue);
        Assert.Equal(requeue, (bool?)stored["requeue"]);
        Assert.Equal(requeue, SlurmJobRunner.FromConfiguration(stored).Options.Requeue);
        Assert.Contains(directive, script, StringComparison.Ordinal);
        Assert.Equal(1, script.Split('\n').Count(l => l.Contains("requeue", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_requeue_nothing_is_rendered_or_stored_and_the_cluster_decides()
    {
        var runner = SlurmJobRunner.FromConfiguration(Config());

        var script = SlurmScripts.Render(runner.Options, ["flepimop2"], new DummyCommand("exit", "0"), "/work").Text;

        Assert.Null(runner.Options.Requeue);
        Assert.False(runner.ToConfiguration().ContainsKey("requeue"));
        Assert.DoesNotContain("requeue", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Requeue_that_is_not_true_or_false_is_refused_naming_the_field()
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(Config(("requeue", "yes please"))));

        Assert.Equal("requeue", error.Field);
        Assert.Contains("expected true or false", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("requeue")]
    [InlineData("no-requeue")]
    public void Requeue_given_both_as_the_option_and_in_sbatch_options_is_refused(string key)
    {
        var config = Config(("requeue", true), ("sbatch-options", new JsonObject { [key] = true }));

        var error = Assert.Throws<Flepimop2ConfigurationException>(() => SlurmJobRunner.FromConfiguration(config));

        Assert.Equal($"sbatch-options.{key}", error.Field);
        Assert.Contains($"requeue is set by the 'requeue' option (true); leave '{key}' out of sbatch-options", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requeue_in_sbatch_options_alone_is_still_passed_on()
    {
        var runner = SlurmJobRunner.FromConfiguration(Config(("sbatch-options", new JsonObject { ["requeue"] = true })));

        var script = SlurmScripts.Render(runner.Options, ["flepimop2"], new DummyCommand("exit", "0"), "/work").Text;

        Assert.Null(runner.Options.Requeue);
        Assert.Contains("#SBATCH --requeue\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_slurm_module_is_built_by_its_short_name()
    {
        var runner = JobRunners.Build("slurm(memory=1G)");

        var slurm = Assert.IsType<SlurmJobRunner>(runner);
        Assert.Equal("slurm", slurm.Backend);
        Assert.Equal("1G", slurm.Options.Memory.ToString());
    }

    private static JsonObject Config(params (string Key, JsonNode? Value)[] values)
    {
        var config = new JsonObject { ["module"] = SlurmJobRunner.ModuleName };
        foreach (var (key, value) in values)
        {
            config[key] = value;
        }

        return config;
    }
}
