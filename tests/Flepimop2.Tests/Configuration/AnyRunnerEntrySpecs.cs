using Flepimop2.Configuration;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Configuration;

/// <summary>
/// Past the YAML: any <c>jobs</c> entry, a mapping of the runners' options with values of every kind or shorthand text,
/// builds a runner or fails with configuration errors, each one line naming the file. Nothing else escapes.
/// </summary>
public sealed class AnyRunnerEntrySpecs
{
    private static readonly string[] Modules = ["shell", "slurm", "gridengine", "flepimop2.job.slurm", "nope", "\"\"", "[shell]"];

    private static readonly string[] Options =
    [
        "cwd", "env", "detach", "executable", "log-directory", "log_directory", "max-parallel", "tasks-per-job", "cpus-per-task", "cpus_per_task",
        "memory", "time", "nodes", "ntasks", "chdir", "debug", "pre-commands", "post-commands", "sbatch-options", "sbatch-directory",
        "requeue", "queue", "slots", "h_rt", "h_vmem", "project", "qsub-options", "script-directory", "parallel-environment",
        "\"a\\nb\"", "options", "min-poll-interval", "min_poll_interval",
    ];

    private static readonly string[] Values =
    [
        "\"\"", "x", "-1", "0", "1", "1.5", "1e999", "99999999999999999999", "9223372036854775807", "4G", "0G", "2.5T", "1-24",
        "2-12:00:00", "UNLIMITED", "true", "false", "~", "[]", "[a, \"b c\"]", "{}", "{a: 1}", "{A: \"x\"}", "\"a\\nb\"", "\"a\\u0000b\"",
        "\"#$ -q x\"", "{\"a\\nb\": false}", "{partition: \"p\\nq\", exclusive: true}", "{l: \"h_rt=1\"}", "{N: x}", "/", "/no/such",
        "\"-x\"", "\"\\u202e\"", "[[1]]", "{PATH: /usr/bin}", "{\"A=B\": x}",
    ];

    private static readonly string[] Shorthands =
    [
        "shell()", "shell(detach=false)", "shell(detach=)", "slurm(memory=4G, time=1-24)", "slurm(x)", "slurm(a=1, a=2)", "shell(cwd='/tmp)",
        "shell(env=\"a\\nb\")", "\"shell(\\n)\"", "gridengine(h_vmem=0)", "(x=1)", "shell(max-parallel=0)",
    ];

    private static Gen<string> Entries() =>
        Gen.Frequency(
            (1, Gen.Elements(Shorthands)),
            (4, Gen.Zip(
                Gen.Elements(Modules),
                Gen.Zip(Gen.Elements(Options), Gen.Elements(Values), (option, value) => $"{option}: {value}").ListOf(),
                (module, options) => "{" + string.Join(", ", options.Prepend($"module: {module}").DistinctBy(o => o[..o.IndexOf(':', StringComparison.Ordinal)])) + "}")));

    /// <summary>Entries the property found, whose problems quoted a value holding a line break as it was: two lines.</summary>
    [Theory]
    [InlineData("{module: slurm, executable: \"a\\nb\"}", "c.yaml: jobs.a.executable: expected one program (a path, or a name on the compute node's PATH), got 'a\\nb'")]
    [InlineData("\"shell(x\\ny)\"", "c.yaml: jobs.a: shorthand argument 'x\\ny' must have the form key=value, in 'shell(x\\ny)'")]
    [InlineData("{module: slurm, sbatch-options: {\"a\\nb\": false}}", "c.yaml: jobs.a.sbatch-options.a\\nb: false cannot be passed to sbatch; leave 'a\\nb' out")]
    public void A_problem_quoting_a_line_break_is_still_one_line(string entry, string message)
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => ConfigurationFile.Parse($"jobs:\n  a: {entry}\n", "c.yaml", "/p/c.yaml").BuildRunner(null));

        Assert.Contains(error.Problems, p => p.Message.StartsWith(message, StringComparison.Ordinal));
        Assert.All(error.Problems, p => Assert.DoesNotContain('\n', p.Message));
    }

    [SeededProperty(MaxTest = 1000)]
    public Property Any_jobs_entry_builds_a_runner_or_fails_with_one_line_per_problem() =>
        Prop.ForAll(Entries().ToArbitrary(), entry =>
        {
            try
            {
                ConfigurationFile.Parse($"jobs:\n  a: {entry}\n", "c.yaml", "/p/c.yaml").BuildRunner(null);
                return true;
            }
            catch (Flepimop2ConfigurationException ex)
            {
                return ex.Problems.All(p => p.Message.StartsWith("c.yaml: ", StringComparison.Ordinal) && !p.Message.Contains('\n', StringComparison.Ordinal));
            }
        });
}
