using System.Diagnostics;
using System.Text;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Jobs.Slurm.Internal;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.Slurm;

public sealed class SlurmScriptSpecs : IDisposable
{
    private static readonly string[] Pieces =
        ["a", "Z", "0", " ", "  ", "\t", "'", "\"", "$", "$HOME", "${X}", "`", "`id`", "$(id)", ";", "*", "?", "[a]", "~", "\\", "|", "&", "<", ">", "(", ")", "{", "}", "!", "#", "%", "%j", "=", "-", "--x", "é", "ü", "漢字", "😀", "\u00a0"];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_script_starts_with_bash_then_every_sbatch_directive_sorted()
    {
        var options = Normalized(new SlurmJobOptions
        {
            CpusPerTask = 2,
            Memory = MemoryRequest.Parse("50m"),
            Nodes = 1,
            Ntasks = 1,
            Time = WallTime.Parse("1"),
            SbatchOptions = new Dictionary<string, string?> { ["partition"] = "debug", ["exclusive"] = null, ["account"] = "my lab" },
        });

        var script = SlurmScripts.Render(options, ["/opt/flepimop2"], new ProcessCommand("/work/cfg/my config.yaml") { ProcessTarget = "t1" }, "/work/run");

        var lines = script.Text.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        var directives = lines.Skip(1).TakeWhile(l => l.StartsWith("#SBATCH", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "#SBATCH --account=\"my lab\"",
                "#SBATCH --chdir=/work/run",
                "#SBATCH --comment=\"flepimop2 command=process config=/work/cfg/my config.yaml target=t1\"",
                "#SBATCH --cpus-per-task=2",
                "#SBATCH --exclusive",
                "#SBATCH --ignore-pbs",
                "#SBATCH --job-name=\"flepimop2:process:my config:t1\"",
                "#SBATCH --mem=50M",
                "#SBATCH --nodes=1",
                "#SBATCH --ntasks=1",
                "#SBATCH --output=/work/run/slurm-%j.out",
                "#SBATCH --partition=debug",
                "#SBATCH --time=0-00:01:00",
            ],
            directives);
        Assert.Equal(directives.Order(StringComparer.Ordinal), directives);
        Assert.DoesNotContain(lines.Skip(1 + directives.Count), l => l.StartsWith("#SBATCH", StringComparison.Ordinal));
    }

    [Fact]
    public void The_job_name_is_flepimop2_command_config_stem_and_target_with_default_for_no_target()
    {
        var script = SlurmScripts.Render(Normalized(new SlurmJobOptions()), ["/opt/flepimop2"], new ProcessCommand("/work/config.yml"), "/work");

        Assert.Equal("flepimop2:process:config:default", script.JobName);
        Assert.Contains("#SBATCH --job-name=flepimop2:process:config:default\n", script.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_token_of_the_command_line_is_shell_quoted()
    {
        var command = new DummyCommand("argv", "a b", "it's", "$HOME", "`id`", "x;y", "*", "é");

        var script = SlurmScripts.Render(Normalized(new SlurmJobOptions()), ["/opt/my tools/flepimop2"], command, "/work");

        Assert.Contains("\nflepimop2_recorded '/opt/my tools/flepimop2' process argv 'a b' 'it'\\''s' '$HOME' '`id`' 'x;y' '*' 'é'\nflepimop2_exit_code=$?\n", script.Text, StringComparison.Ordinal);
        Assert.EndsWith("exit \"$flepimop2_exit_code\"\n", script.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Debug_traces_the_script_and_pre_and_post_commands_surround_the_command()
    {
        var options = Normalized(new SlurmJobOptions { Debug = true, PreCommands = ["module load r", "export X=1"], PostCommands = ["echo done"] });

        var text = SlurmScripts.Render(options, ["flepimop2"], new DummyCommand("exit", "0"), "/work").Text;

        var order = new[] { "set -x\n", "module load r\nexport X=1\n", "flepimop2 process exit 0\n", "flepimop2_exit_code=$?\n", "(\necho done\n)\n", "exit \"$flepimop2_exit_code\"\n" }
            .Select(part => text.IndexOf(part, StringComparison.Ordinal))
            .ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
        Assert.DoesNotContain(text.Split('\n'), l => l.StartsWith("set -e", StringComparison.Ordinal) || l.StartsWith("set -u", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_debug_the_script_is_not_traced()
    {
        var text = SlurmScripts.Render(Normalized(new SlurmJobOptions()), ["flepimop2"], new DummyCommand("exit", "0"), "/work").Text;

        Assert.DoesNotContain("set -x", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_with_a_newline_is_refused()
    {
        var error = Assert.Throws<Flepimop2ValidationException>(() =>
            SlurmScripts.Render(Normalized(new SlurmJobOptions()), ["flepimop2"], new DummyCommand("argv", "two\nlines"), "/work"));

        Assert.Equal("unsafe_argument", Assert.Single(error.Issues).Kind);
    }

    [Fact]
    public void A_percent_sign_in_the_working_directory_does_not_become_an_output_pattern()
    {
        var script = SlurmScripts.Render(Normalized(new SlurmJobOptions()), ["flepimop2"], new DummyCommand("exit", "0"), "/work/100%j");

        Assert.Equal("/work/100%%j/slurm-%j.out", script.OutputPattern);
        Assert.Equal("/work/100%j/slurm-42.out", SlurmOutputPattern.Expand(script.OutputPattern, "42", "n", "me", "/work"));
    }

    [Fact]
    public void A_users_output_and_error_patterns_replace_the_default_and_expand_to_real_paths()
    {
        var options = Normalized(new SlurmJobOptions { SbatchOptions = new Dictionary<string, string?> { ["output"] = "logs/%x-%j.out", ["error"] = "logs/%u-%8j.err" } });

        var script = SlurmScripts.Render(options, ["flepimop2"], new DummyCommand("exit", "0"), "/work");

        Assert.Equal("/work/logs/n-42.out", SlurmOutputPattern.Expand(script.OutputPattern, "42", "n", "me", "/work"));
        Assert.Equal("/work/logs/me-00000042.err", SlurmOutputPattern.Expand(script.ErrorPattern!, "42", "n", "me", "/work"));
    }

    [Fact]
    public void A_job_name_from_an_odd_config_name_is_made_safe_for_a_directive()
    {
        var script = SlurmScripts.Render(Normalized(new SlurmJobOptions()), ["flepimop2"], new ProcessCommand("/w/say \"hi\"\\.yaml"), "/w");

        Assert.Equal("flepimop2:process:say _hi__:default", script.JobName);
    }

    [Fact]
    public void Post_commands_cannot_change_the_commands_exit_code()
    {
        var options = Normalized(new SlurmJobOptions { PostCommands = ["set -e", "false", "exit 0"] });

        var (exitCode, _) = RunLocally(options, ["a"], commandExit: 3);

        Assert.Equal(3, exitCode);
    }

    [Fact]
    public void Pre_commands_run_in_the_scripts_shell_before_the_command()
    {
        var options = Normalized(new SlurmJobOptions { PreCommands = ["unset NOT_SET_ANYWHERE; echo \"$NOT_SET_ANYWHERE\" >/dev/null", "set -- ignored"] });

        var (exitCode, argv) = RunLocally(options, ["kept"], commandExit: 0);

        Assert.Equal(0, exitCode);
        Assert.Equal(["process", "kept"], argv);
    }

    [SeededProperty(MaxTest = 100)]
    public Property Run_by_bash_the_script_passes_every_argument_exactly_and_ends_with_the_commands_exit_code() =>
        Prop.ForAll(
            Gen.Zip(ArgvLists(), Gen.Choose(0, 9)).ToArbitrary(),
            t =>
            {
                var (args, code) = t;
                var (exitCode, argv) = RunLocally(Normalized(new SlurmJobOptions { PostCommands = ["true"] }), args, code);
                return exitCode == code && argv.SequenceEqual(["process", .. args]);
            });

    /// <summary>Lists of 1-6 arguments built from pieces a shell would read specially, non-ASCII text included.</summary>
    internal static Gen<string[]> ArgvLists() =>
        Gen.Choose(1, 6).SelectMany(n => Gen.Elements(Pieces).ListOf().Select(parts => string.Concat(parts)).ArrayOf(n));

    private static SlurmJobOptions Normalized(SlurmJobOptions options) => new SlurmJobRunner(options).Options;

    /// <summary>Runs the rendered script with bash on this machine (the directives are comments to bash) with a program that records its argv.</summary>
    private (int ExitCode, string[] Argv) RunLocally(SlurmJobOptions options, IReadOnlyList<string> args, int commandExit)
    {
        var recorder = _temp.Combine("record-argv");
        if (!File.Exists(recorder))
        {
            File.WriteAllText(recorder, "#!/bin/sh\nprintf '%s\\0' \"$@\" >\"$ARGV_OUT\"\nexit \"$EXIT_WITH\"\n");
            File.SetUnixFileMode(recorder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var id = Guid.NewGuid().ToString("N");
        var scriptPath = _temp.Combine($"{id}.sh");
        var outPath = _temp.Combine($"{id}.argv");
        File.WriteAllText(scriptPath, SlurmScripts.Render(options, [recorder], new DummyCommand([.. args]), _temp.Path).Text, new UTF8Encoding(false));

        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(scriptPath);
        start.Environment["ARGV_OUT"] = outPath;
        start.Environment["EXIT_WITH"] = commandExit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var bash = Process.Start(start)!;
        bash.StandardOutput.ReadToEnd();
        bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        var recorded = File.ReadAllText(outPath, Encoding.UTF8);
        var argv = recorded[..^1].Split('\0');
        return (bash.ExitCode, argv);
    }
}
