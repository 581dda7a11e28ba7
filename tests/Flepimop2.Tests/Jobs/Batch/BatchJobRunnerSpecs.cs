using System.Reflection;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// What every scheduler runner does the same way (<see cref="BatchJobRunner"/>), pinned through the Slurm runner on canned
/// tools: the checks before a submission and their issues, what cancel refuses and says, which task's log files come
/// back, a sweep's retry from its task table, where a rendered script records its exit, and its guards against null.
/// </summary>
public sealed class BatchJobRunnerSpecs : IDisposable
{
    private readonly BatchSpecsSetup _setup = new();

    public void Dispose() => _setup.Dispose();

    [Fact]
    public void A_missing_working_directory_is_an_issue_naming_it()
    {
        var missing = _setup.Temp.Combine("no-such-dir");
        var runner = _setup.Runner(BatchSpecsSetup.Slurm(), _setup.Options with { Chdir = missing });

        var issue = Assert.Single(runner.ValidateSubmission());

        Assert.Equal($"working directory '{missing}' does not exist", issue.Message);
        Assert.Equal("missing_directory", issue.Kind);
        Assert.Equal(new Dictionary<string, string> { ["chdir"] = missing }, issue.Context);
    }

    [Fact]
    public void A_predecessor_whose_record_holds_no_job_id_is_an_issue_naming_it()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());
        var lost = new JobHandle("not-an-id", "slurm", BatchSpecsSetup.Start);

        var issue = Assert.Single(runner.ValidateSubmission(new JobRequest(BatchSpecsSetup.Step()) { After = [new(lost, DependencyCondition.Ended)] }));

        Assert.Equal("slurm-not-an-id has no Slurm job id on record to wait for", issue.Message);
        Assert.Equal("invalid_dependency", issue.Kind);
        Assert.Equal(new Dictionary<string, string> { ["after"] = "slurm-not-an-id" }, issue.Context);
    }

    [Fact]
    public void A_submission_recorded_before_release_needs_the_release_tool()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm(), findTool: tool => tool == "scontrol" ? null : "/usr/bin/" + tool);
        var request = new JobRequest(BatchSpecsSetup.Step()) { BeforeRelease = (_, _) => Task.CompletedTask };

        var issue = Assert.Single(runner.ValidateSubmission(request));

        Assert.Equal("'scontrol' was not found on PATH; the slurm runner needs the Slurm client tools", issue.Message);
        Assert.Equal("missing_executable", issue.Kind);
        Assert.Equal(new Dictionary<string, string> { ["executable"] = "scontrol" }, issue.Context);
        Assert.Empty(runner.ValidateSubmission(request with { DryRun = true }));
        Assert.Empty(runner.ValidateSubmission(request with { BeforeRelease = null }));
    }

    [Fact]
    public void A_sweep_recorded_before_release_without_the_release_tool_is_told_so_once()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm(), findTool: tool => tool == "scontrol" ? null : "/usr/bin/" + tool);
        var request = JobRequest.Sweep(BatchSpecsSetup.Tasks(3)) with { BeforeRelease = (_, _) => Task.CompletedTask };

        var issue = Assert.Single(runner.ValidateSubmission(request));

        Assert.Equal("'scontrol' was not found on PATH; the slurm runner needs the Slurm client tools", issue.Message);
    }

    [Fact]
    public void Without_the_submit_and_release_tools_both_are_named()
    {
        var runner = new GridEngineJobRunner(
            new GridEngineJobOptions { Chdir = _setup.Temp.Path },
            new BatchRunnerParts(BatchSpecsSetup.Slurm(), _setup.Clock, tool => tool is "qsub" or "qrls" ? null : "/usr/bin/" + tool));

        var issues = runner.ValidateSubmission(new JobRequest(BatchSpecsSetup.Step()) { BeforeRelease = (_, _) => Task.CompletedTask });

        Assert.Equal(
            [
                "'qsub' was not found on PATH; the gridengine runner needs the Grid Engine client tools",
                "'qrls' was not found on PATH; the gridengine runner needs the Grid Engine client tools",
            ],
            issues.Select(i => i.Message));
    }

    [Fact]
    public async Task A_job_whose_id_is_not_the_schedulers_cannot_be_cancelled_and_nothing_is_called()
    {
        var slurm = BatchSpecsSetup.Slurm();
        var runner = _setup.Runner(slurm);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelAsync(new JobHandle("abc", "slurm", BatchSpecsSetup.Start)));

        Assert.Equal("cannot cancel 'abc': it is not a Slurm job id", error.Message);
        Assert.Empty(slurm.Calls);
    }

    [Fact]
    public async Task A_retried_task_no_recorded_array_runs_is_named_by_its_index_when_it_cannot_be_cancelled()
    {
        var slurm = BatchSpecsSetup.Slurm();
        var runner = _setup.Runner(slurm);
        var retry = _setup.Sweep(new SweepInfo(3, null) { Indices = [3, 7, 12], TaskCount = 20 }, [new BatchUnit("101", 0, 2)]);

        var error = await Assert.ThrowsAsync<JobBackendException>(() => runner.CancelTaskAsync(retry, 12));
        await runner.CancelTaskAsync(retry, 7);

        Assert.Equal("cannot cancel task 12 of slurm-101: its record names no job array that runs it", error.Message);
        Assert.Equal(["scancel", "101_1"], Assert.Single(slurm.Calls));
    }

    [Fact]
    public void A_task_no_recorded_array_runs_has_no_log_files_and_the_others_have_theirs()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());
        var sweep = _setup.Sweep(
            new SweepInfo(4, null),
            [new BatchUnit("101", 0, 2)],
            ("chdir", _setup.Temp.Path),
            ("output_pattern", "logs/%A_%a.out"));

        Assert.Empty(runner.GetTaskLogFiles(sweep, 3));
        Assert.Equal([_setup.Temp.Combine("logs", "101_1.out")], runner.GetTaskLogFiles(sweep, 1));
        Assert.Equal([_setup.Temp.Combine("logs", "101_0.out"), _setup.Temp.Combine("logs", "101_1.out")], runner.GetLogFiles(sweep));
    }

    [Fact]
    public void A_tasks_log_file_named_by_the_job_name_takes_the_recorded_name_and_none_when_the_record_has_none()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());
        (string, string)[] record = [("chdir", _setup.Temp.Path), ("output_pattern", "%x-%A_%a.out")];
        var named = _setup.Sweep(new SweepInfo(2, null), [new BatchUnit("101", 0, 2)], [.. record, ("job_name", "flepimop2-fit")]);
        var unnamed = _setup.Sweep(new SweepInfo(2, null), [new BatchUnit("101", 0, 2)], record);

        Assert.Equal([_setup.Temp.Combine("flepimop2-fit-101_1.out")], runner.GetTaskLogFiles(named, 1));
        Assert.Equal([_setup.Temp.Combine("-101_1.out")], runner.GetTaskLogFiles(unnamed, 1));
    }

    [Fact]
    public async Task Retrying_a_sweep_submits_each_task_again_from_the_task_table_it_recorded()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());
        var sweep = Assert.IsType<JobHandle>(await runner.SubmitAsync(JobRequest.Sweep(BatchSpecsSetup.Tasks(3))));

        var retry = await runner.RetryRequestAsync(sweep);

        Assert.Equal(
            [["/opt/flepimop2", "process", "task", "0"], ["/opt/flepimop2", "process", "task", "1"], ["/opt/flepimop2", "process", "task", "2"]],
            retry.Tasks!.Select(t => t.CommandLine([])));
        Assert.Equal(sweep.Key, retry.RetryOf);
    }

    [Fact]
    public void A_rendered_script_records_its_exit_in_the_run_directory_below_the_working_directory()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());
        var chdir = _setup.Temp.Path;

        var job = runner.RenderScript(new JobRequest(BatchSpecsSetup.Step()), ["flepimop2"], chdir).Text;
        var sweep = runner.RenderScript(JobRequest.Sweep(BatchSpecsSetup.Tasks(2)), ["flepimop2"], chdir).Text;
        var tabled = runner.RenderScript(JobRequest.Sweep(BatchSpecsSetup.Tasks(2)), ["flepimop2"], chdir, "/shared/tasks").Text;

        Assert.Contains($"\nflepimop2_exit_record={ShellQuote.Quote(Path.Join(chdir, "run", "exit.json"))}\n", job, StringComparison.Ordinal);
        Assert.Contains($"\nflepimop2_table={ShellQuote.Quote(Path.Join(chdir, "run", "tasks"))}\n", sweep, StringComparison.Ordinal);
        Assert.Contains($"\nflepimop2_exit_record={ShellQuote.Quote(Path.Join(chdir, "run", "exit") + "/")}\"$flepimop2_task.json\"\n", sweep, StringComparison.Ordinal);
        Assert.Contains($"\nflepimop2_table={ShellQuote.Quote("/shared/tasks")}\n", tabled, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_members_refuse_null_naming_the_parameter()
    {
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());

        Assert.Equal("program", Assert.Throws<ArgumentNullException>(() => runner.ProgramProblem(null!)).ParamName);
        Assert.Equal("handle", Assert.Throws<ArgumentNullException>(() => runner.GetLogFiles(null!)).ParamName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_runner_refuses_null_options_naming_them(bool validated)
    {
        var parts = new BatchRunnerParts(BatchSpecsSetup.Slurm(), _setup.Clock, tool => "/usr/bin/" + tool);

        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new SlurmJobRunner(null!, parts, validated)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new GridEngineJobRunner(null!, parts, validated)).ParamName);
    }

    [Theory]
    [InlineData("ValidateSubmit", "request")]
    [InlineData("GetTaskLogFilesCore", "handle")]
    public void The_protected_members_a_derived_runner_calls_refuse_null_naming_the_parameter(string member, string parameter)
    {
        // Protected: the public members that call them check first, so only a derived runner (here reflection) passes null.
        var runner = _setup.Runner(BatchSpecsSetup.Slurm());
        var method = typeof(BatchJobRunner).GetMethods(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(m => m.Name == member && m.GetParameters().Length > 0);
        object?[] arguments = [.. method.GetParameters().Select(p => p.ParameterType == typeof(int) ? (object)0 : null)];

        var error = Assert.Throws<TargetInvocationException>(() => method.Invoke(runner, arguments));

        Assert.Equal(parameter, Assert.IsType<ArgumentNullException>(error.InnerException).ParamName);
    }

    [Fact]
    public void A_tool_on_this_processes_path_is_found_there()
    {
        var sh = BatchRunnerParts.OnPath("sh");

        Assert.NotNull(sh);
        Assert.Equal(Executables.Find("sh", Environment.GetEnvironmentVariable("PATH")), sh);
        Assert.Null(BatchRunnerParts.OnPath("flepimop2-no-such-tool"));
    }
}
