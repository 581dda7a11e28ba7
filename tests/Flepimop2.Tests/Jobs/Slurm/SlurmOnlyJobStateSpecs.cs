using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// <c>squeue --only-job-state</c> (Slurm 24.05 on) where only ids and states are needed: the check, before a job that runs
/// only after others succeed is submitted, of which of them the controller still holds. Against a fake process layer.
/// </summary>
public sealed class SlurmOnlyJobStateSpecs : IDisposable
{
    private const string Full = "JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:";
    private static readonly DateTimeOffset Start = new(2026, 5, 26, 20, 56, 24, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("slurm-wlm 22.05.8\n", false)]
    [InlineData("slurm 22.05.8\n", false)]
    [InlineData("slurm 23.11.5\n", false)]
    [InlineData("slurm 24.05.1\n", true)]
    [InlineData("slurm-wlm 24.05.1\n", true)]
    [InlineData("slurm 24.11.3\n", true)]
    [InlineData("slurm 25.05.0\n", true)]
    [InlineData("slurm 25.11.1\n", true)]
    [InlineData("", false)]
    [InlineData("slurm", false)]
    [InlineData("slurm 24", false)]
    [InlineData("slurm-foo 24.05.1\n", false)]
    [InlineData("\u0001garbage \u00ff\n", false)]
    public async Task The_held_check_asks_for_job_states_only_from_slurm_24_05_on(string version, bool onlyJobState)
    {
        var slurm = Scheduler(version);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await SubmitAfterAsync(runner, Job("4211"));

        Assert.Equal(
            onlyJobState
                ? ["squeue", "--only-job-state", "-t", "all", "-r", "-h", "-O", "JobArrayID:|,State:|", "-j", "4211"]
                : ["squeue", "-t", "all", "-r", "-h", "-O", Full, "-j", "4211"],
            Assert.Single(Queries(slurm)));
        Assert.Equal("--dependency=afterok:4211", Assert.Single(slurm.CallsOf("sbatch"))[2]);
    }

    [Fact]
    public async Task A_squeue_version_that_fails_or_a_missing_squeue_means_the_ordinary_query()
    {
        var failing = Scheduler(version: null, versionAnswer: CannedTools.Error(1, "squeue: error: something\n"));
        var missing = Scheduler(version: null, versionAnswer: null);

        await SubmitAfterAsync(SlurmRunners.With(failing, Options(), _clock), Job("4211"));
        await SubmitAfterAsync(SlurmRunners.With(missing, Options(), _clock), Job("4211"));

        Assert.DoesNotContain("--only-job-state", Assert.Single(Queries(failing)));
        Assert.DoesNotContain("--only-job-state", Assert.Single(Queries(missing)));
        Assert.Single(failing.CallsOf("sbatch"));
        Assert.Single(missing.CallsOf("sbatch"));
    }

    [Fact]
    public async Task The_version_is_asked_once_in_a_runners_life_and_status_rounds_never_use_the_option()
    {
        var slurm = Scheduler("slurm 25.05.0\n");
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var running = Job("4211");

        for (var round = 0; round < 3; round++)
        {
            await runner.StatusAsync(running);
            await SubmitAfterAsync(runner, running);
            await runner.StatusManyAsync([running, Job("4212")]);
        }

        Assert.Single(slurm.CallsOf("squeue"), c => c[1] == "--version");
        var queries = Queries(slurm);
        Assert.Equal(9, queries.Count);
        Assert.Equal(3, queries.Count(c => c.Contains("--only-job-state")));
        Assert.All(queries.Where(c => !c.Contains("--only-job-state")), c => Assert.Equal(Full, CannedTools.ValueAfter(c, "-O")));
    }

    [Fact]
    public async Task The_version_the_configuration_gave_for_a_sweep_is_used_without_asking_squeue()
    {
        var slurm = Scheduler("slurm 22.05.8\n", config: "MaxArraySize            = 50\nSLURM_VERSION           = 24.05.3\n");
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await runner.SubmitAsync(JobRequest.Sweep([Step(), Step()]));
        await SubmitAfterAsync(runner, Job("4211"));

        Assert.DoesNotContain(slurm.CallsOf("squeue"), c => c[1] == "--version");
        Assert.Contains("--only-job-state", Assert.Single(Queries(slurm)));
    }

    [Fact]
    public async Task A_configuration_without_a_version_leaves_it_to_squeue()
    {
        var slurm = Scheduler("slurm 22.05.8\n", config: "MaxArraySize            = 50\n");
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await runner.SubmitAsync(JobRequest.Sweep([Step(), Step()]));
        await SubmitAfterAsync(runner, Job("4211"));

        Assert.Single(slurm.CallsOf("squeue"), c => c[1] == "--version");
        Assert.DoesNotContain("--only-job-state", Assert.Single(Queries(slurm)));
    }

    [Fact]
    public async Task When_squeue_refuses_the_option_the_ordinary_query_answers_and_the_runner_does_not_try_it_again()
    {
        var slurm = Scheduler("slurm 25.05.0\n", refuse: true);
        var runner = SlurmRunners.With(slurm, Options(), _clock);

        await SubmitAfterAsync(runner, Job("4211"));
        await SubmitAfterAsync(runner, Job("4211"));

        Assert.Equal([true, false, false], Queries(slurm).Select(c => c.Contains("--only-job-state")));
        Assert.Equal(2, slurm.CallsOf("sbatch").Count);
    }

    [Fact]
    public async Task A_predecessor_on_another_cluster_is_asked_about_as_before_without_asking_the_version()
    {
        var slurm = Scheduler("slurm 25.05.0\n");
        var runner = SlurmRunners.With(slurm, Options(), _clock);
        var elsewhere = Job("4211") with { Metadata = new Dictionary<string, JsonNode?> { ["cluster"] = "c1" } };

        await SubmitAfterAsync(runner, elsewhere);

        Assert.Equal(["squeue", "-M", "c1", "-t", "all", "-r", "-h", "-O", Full, "-j", "4211"], Assert.Single(Queries(slurm)));
        Assert.DoesNotContain(slurm.CallsOf("squeue"), c => c[1] == "--version");
    }

    private static DummyCommand Step() => new("exit", "0");

    /// <summary>The job queries, the version question aside.</summary>
    private static List<IReadOnlyList<string>> Queries(CannedTools slurm) => [.. slurm.CallsOf("squeue").Where(c => c[1] != "--version")];

    /// <summary>
    /// A cluster whose squeue prints <paramref name="version"/> (or gives <paramref name="versionAnswer"/>, or is missing when
    /// both are null), where job 4211 runs; with <paramref name="refuse"/> squeue refuses <c>--only-job-state</c> as 25.05
    /// does beside an option it does not combine with.
    /// </summary>
    private static CannedTools Scheduler(string? version, ProcessResult? versionAnswer = null, string config = "MaxArraySize            = 50\n", bool refuse = false)
    {
        var submitted = 0;
        return new CannedTools(argv => argv switch
        {
            ["squeue", "--version"] when version is null && versionAnswer is null => throw new JobBackendException("'squeue' was not found on PATH", "squeue --version"),
            ["squeue", "--version"] => versionAnswer ?? CannedTools.Ok(version!),
            ["squeue", ..] when refuse && argv.Contains("--only-job-state") =>
                CannedTools.Error(1, "squeue: fatal: Option --only-job-state only works alone, with -j (--jobs) and/or -t (--states) parameters, parameters for cluster/federation selection, and the printing options.\n"),
            ["squeue", ..] when argv.Contains("--only-job-state") => CannedTools.Ok("4211|RUNNING|\n"),
            ["squeue", ..] => CannedTools.Ok("4211|RUNNING|None|vm|0\n"),
            ["sacct", ..] => CannedTools.Ok("4211|4211|RUNNING|0:0|00:00:30|vm\n"),
            ["scontrol", ..] => CannedTools.Ok(config),
            ["sbatch", ..] => CannedTools.Ok($"{4300 + ++submitted}\n"),
            _ => CannedTools.Ok(),
        });
    }

    private static Task<JobSubmission> SubmitAfterAsync(SlurmJobRunner runner, JobHandle predecessor) =>
        runner.SubmitAsync(new JobRequest(Step()) { After = [new(predecessor, DependencyCondition.Succeeded)] });

    private JobHandle Job(string id) => new(id, "slurm", _clock.GetUtcNow());

    private SlurmJobOptions Options() => new()
    {
        Chdir = _temp.Path,
        ScriptDirectory = _temp.Combine("scripts"),
        Executable = "/opt/flepimop2",
    };
}
