using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Jobs.GridEngine.Internal;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>The pure parts of the Grid Engine backend, against what the tools print (copied from a real cell, see the notes).</summary>
public sealed class GridEngineParsingSpecs
{
    private const string QstatXml = """
        <?xml version='1.0'?>
        <job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd">
          <queue_info>
            <job_list state="running">
              <JB_job_number>6</JB_job_number>
              <JAT_prio>0.55500</JAT_prio>
              <JB_name>sleep.sh</JB_name>
              <JB_owner>root</JB_owner>
              <state>r</state>
              <JAT_start_time>2026-11-26T07:05:23</JAT_start_time>
              <queue_name>all.q@vm</queue_name>
              <slots>1</slots>
              <tasks>1</tasks>
            </job_list>
            <job_list state="running">
              <JB_job_number>7</JB_job_number>
              <JAT_prio>0.55500</JAT_prio>
              <JB_name>one</JB_name>
              <JB_owner>root</JB_owner>
              <state>r</state>
              <JAT_start_time>2026-11-26T07:05:23</JAT_start_time>
              <queue_name>all.q@vm</queue_name>
              <slots>2</slots>
            </job_list>
          </queue_info>
          <job_info>
            <job_list state="pending">
              <JB_job_number>6</JB_job_number>
              <JAT_prio>0.50000</JAT_prio>
              <JB_name>sleep.sh</JB_name>
              <JB_owner>root</JB_owner>
              <state>qw</state>
              <JB_submission_time>2026-11-26T07:05:23</JB_submission_time>
              <queue_name></queue_name>
              <slots>1</slots>
              <tasks>3-5:1</tasks>
            </job_list>
            <job_list state="pending">
              <JB_job_number>8</JB_job_number>
              <JAT_prio>0.50000</JAT_prio>
              <JB_name>bad</JB_name>
              <JB_owner>root</JB_owner>
              <state>Eqw</state>
              <JB_submission_time>2026-11-26T07:05:23</JB_submission_time>
              <queue_name></queue_name>
              <slots>1</slots>
            </job_list>
          </job_info>
        </job_info>
        """;

    [Theory]
    [InlineData("31\n", "31")]
    [InlineData("32.1-5:1\n", "32")]
    [InlineData("35.1-10:3", "35")]
    [InlineData("", null)]
    [InlineData("Your job 33 (\"exit.sh\") has been submitted", null)]
    public void Qsub_terse_gives_the_job_id_of_a_job_or_an_array_job(string stdout, string? id) =>
        Assert.Equal(id, QsubParser.Parse(stdout));

    [Fact]
    public void Qstat_xml_gives_a_row_per_job_and_per_array_task_running_or_pending()
    {
        var rows = QstatXmlParser.Parse(QstatXml);

        Assert.Equal(["6.1", "6.3", "6.4", "6.5", "7", "8"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new GridEngineLiveRow("6", 1, "r", "all.q@vm", 1), rows["6.1"]);
        Assert.Equal(new GridEngineLiveRow("6", 4, "qw", null, 1), rows["6.4"]);
        Assert.Equal(new GridEngineLiveRow("7", null, "r", "all.q@vm", 2), rows["7"]);
        Assert.Equal("Eqw", rows["8"].State);
    }

    [Theory]
    [InlineData("1", new[] { 1 })]
    [InlineData("3-5:1", new[] { 3, 4, 5 })]
    [InlineData("1-10:3", new[] { 1, 4, 7, 10 })]
    [InlineData("1-3:1,7", new[] { 1, 2, 3, 7 })]
    public void Task_ranges_are_read_as_each_task_they_name(string list, int[] tasks) =>
        Assert.Equal(tasks, QstatXmlParser.Tasks(list));

    [Fact]
    public void Qstat_output_that_is_not_xml_is_a_format_error() =>
        Assert.Throws<FormatException>(() => QstatXmlParser.Parse("error: commlib error"));

    [Fact]
    public async Task The_accounting_file_gives_each_jobs_last_record_with_ru_maxrss_read_as_KiB()
    {
        string[] lines =
        [
            "# Version: 8.1.9",
            "# ",
            "# DO NOT MODIFY THIS FILE MANUALLY!",
            "# ",
            Line(job: 1, failed: 0, exit: 7, task: 0, maxrss: "4552.000000"),
            Line(job: 2, failed: 25, exit: 99, task: 3),
            Line(job: 2, failed: 0, exit: 0, task: 3),
            Line(job: 3, failed: 0, exit: 0, task: 0),
            "garbage",
        ];

        using var directory = new TempDirectory();
        var path = directory.Combine("accounting");
        await File.WriteAllLinesAsync(path, lines);

        var records = await AccountingFile.ReadAsync(path, new HashSet<string>(["1", "2"]), long.MinValue, CancellationToken.None);

        Assert.Equal(["1", "2.3"], records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(7, records["1"].ExitStatus);
        Assert.Null(records["1"].Task);
        Assert.Equal(4552L * 1024, records["1"].MaxRssBytes);
        Assert.Equal(0, records["2.3"].Failed);
        Assert.Equal(3, records["2.3"].Task);
    }

    [Fact]
    public void Qstat_j_gives_the_error_reason_without_its_time_and_ids()
    {
        const string Stdout = """
            ==============================================================
            job_number:                 2
            exec_file:                  job_scripts/2
            error reason          1:      11/26/2026 11:54:09 [105:31366]: exit_status of job start = 100
            scheduling info:            Job is in error state
            """;

        Assert.Equal("exit_status of job start = 100", QstatJobParser.ErrorReasons(Stdout)["2"]);
    }

    [Theory]
    [InlineData("qw", JobStatus.Pending)]
    [InlineData("hqw", JobStatus.Pending)]
    [InlineData("Rq", JobStatus.Pending)]
    [InlineData("t", JobStatus.Running)]
    [InlineData("r", JobStatus.Running)]
    [InlineData("dr", JobStatus.Running)]
    [InlineData("Eqw", JobStatus.Failed)]
    [InlineData("hRwq", JobStatus.Pending)]
    [InlineData("xyz", JobStatus.Pending)]
    [InlineData("Rs", JobStatus.Running)]
    public void Every_state_code_maps_to_one_status(string code, JobStatus status) =>
        Assert.Equal(status, GridEngineStates.Map(code));

    [Theory]
    [InlineData(0, 0, JobStatus.Successful)]
    [InlineData(0, 7, JobStatus.Failed)]
    [InlineData(100, 137, JobStatus.Failed)]
    [InlineData(37, 137, JobStatus.Failed)]
    [InlineData(26, 0, JobStatus.Failed)]
    public void An_ended_job_succeeded_only_when_it_ran_and_exited_0(int failed, int exit, JobStatus status) =>
        Assert.Equal(status, GridEngineStates.Ended(failed, exit));

    [Fact]
    public void Qsub_gets_every_option_as_its_own_argument_and_a_sweep_its_task_range_and_cap()
    {
        var options = new GridEngineJobRunner(new GridEngineJobOptions
        {
            Queue = "all.q",
            Slots = 2,
            Time = WallTime.Parse("1-02:03:04"),
            Memory = MemoryRequest.Parse("1.5G"),
            Project = "p",
            QsubOptions = new Dictionary<string, string?> { ["m"] = "n", ["notify"] = null },
        }).Options;

        var argv = GridEngineCommandLines.Qsub(options, "/s/x.sh", "flepimop2.process.c.t", "/w d", "/w d/gridengine-$JOB_ID.$TASK_ID.out", 20, 3, ["11", "12"]);

        Assert.Equal(
            [
                "qsub", "-terse", "-S", "/bin/bash", "-N", "flepimop2.process.c.t", "-wd", "/w d", "-j", "y", "-o", "/w d/gridengine-$JOB_ID.$TASK_ID.out", "-V",
                "-q", "all.q", "-pe", "smp", "2", "-l", "h_rt=26:03:04", "-l", "h_vmem=1536M", "-P", "p", "-t", "1-20", "-tc", "3", "-hold_jid", "11,12",
                "-m", "n", "-notify", "/s/x.sh",
            ],
            argv);
    }

    [Theory]
    [InlineData("N")]
    [InlineData("t")]
    [InlineData("hold_jid")]
    [InlineData("o")]
    [InlineData("wd")]
    [InlineData("C")]
    [InlineData("@")]
    [InlineData("shell")]
    [InlineData("clear")]
    [InlineData("verify")]
    public void Reserved_qsub_options_are_refused_naming_the_field(string key)
    {
        var problems = GridEngineOptionsValidator.Problems(new GridEngineJobOptions { QsubOptions = new Dictionary<string, string?> { [key] = "x" } });

        Assert.Equal($"qsub-options.{key}", Assert.Single(problems).Field);
    }

    [Fact]
    public void A_directive_prefix_of_its_own_is_refused_saying_why()
    {
        var problem = Assert.Single(GridEngineOptionsValidator.Problems(new GridEngineJobOptions { QsubOptions = new Dictionary<string, string?> { ["C"] = "module" } }));

        Assert.Contains("'C' is reserved (qsub reads '#$' lines anywhere in the script as options, and another prefix would make pre-commands or arguments into options)", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v", true)]
    [InlineData("p", true)]
    [InlineData("e", false)]
    [InlineData("w", false)]
    public void A_qsub_check_that_submits_nothing_is_refused(string value, bool refused)
    {
        var problems = GridEngineOptionsValidator.Problems(new GridEngineJobOptions { QsubOptions = new Dictionary<string, string?> { ["w"] = value } });

        Assert.Equal(refused, problems.Count == 1);
        Assert.All(problems, p => Assert.Equal("qsub-options.w", p.Field));
    }

    [Fact]
    public void A_pre_command_holding_a_directive_and_a_chdir_qsub_would_misread_are_refused()
    {
        var problems = GridEngineOptionsValidator.Problems(new GridEngineJobOptions { PreCommands = ["#$ -q other"], Chdir = "/a:b" });
        var read = Assert.Throws<Flepimop2ConfigurationException>(() => GridEngineJobRunner.FromConfiguration(new JsonObject { ["h_rt"] = "abc", ["h_vmem"] = "lots" }));

        Assert.Equal(["pre-commands[0]", "chdir"], problems.Select(p => p.Field));
        Assert.Equal(["h_vmem", "h_rt"], read.Problems.Select(p => p.Field));
    }

    [Fact]
    public async Task Status_of_a_thousand_live_jobs_and_some_ended_ones_is_one_qstat_call_and_one_read_of_the_accounting_file()
    {
        var xml = new StringBuilder("<?xml version='1.0'?>\n<job_info><queue_info></queue_info><job_info>\n");
        for (var id = 1000; id < 2000; id++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<job_list state=\"pending\"><JB_job_number>{id}</JB_job_number><state>qw</state><slots>1</slots></job_list>\n");
        }

        xml.Append("</job_info></job_info>\n");
        var accounting = Path.GetTempFileName();
        File.WriteAllLines(accounting, ["# Version: 8.1.9", Line(job: 5, failed: 0, exit: 3, task: 0)]);
        var fake = new CannedTools(argv => CannedTools.Ok(argv[0] == "qstat" ? xml.ToString() : string.Empty));
        var runner = new GridEngineJobRunner(new GridEngineJobOptions(), new BatchRunnerParts(fake, TimeProvider.System, tool => "/usr/bin/" + tool)) { AccountingFile = accounting };
        List<JobHandle> handles = [.. Enumerable.Range(1000, 1000).Select(id => new JobHandle(id.ToString(CultureInfo.InvariantCulture), "gridengine", DateTimeOffset.UtcNow)), new JobHandle("5", "gridengine", DateTimeOffset.FromUnixTimeSeconds(1795693752))];

        var results = await runner.StatusManyAsync(handles);
        File.Delete(accounting);

        Assert.Equal(["qstat"], fake.Calls.Select(c => c[0]));
        Assert.All(results.Take(1000), r => Assert.Equal(JobStatus.Pending, r.Status));
        Assert.Equal(JobStatus.Failed, results[^1].Status);
        Assert.Equal("3", results[^1].Detail["exit_code"]!.ToString());
    }

    [Fact]
    public async Task A_record_that_ended_before_the_job_was_submitted_is_an_earlier_job_with_the_same_id_not_this_one()
    {
        // Job ids start again from 1 when a cell is set up again, and wrap at 9,999,999; the accounting file keeps them all.
        using var directory = new TempDirectory();
        var accounting = directory.Combine("accounting");
        await File.WriteAllLinesAsync(accounting, [Line(job: 5, failed: 0, exit: 3, task: 0, end: 1_700_000_000)]);
        var runner = new GridEngineJobRunner(new GridEngineJobOptions(), new BatchRunnerParts(new CannedTools(_ => CannedTools.Ok(EmptyQstat)), TimeProvider.System, tool => "/usr/bin/" + tool)) { AccountingFile = accounting };

        var fresh = await runner.StatusAsync(new JobHandle("5", "gridengine", DateTimeOffset.UtcNow));
        var old = await runner.StatusAsync(new JobHandle("5", "gridengine", DateTimeOffset.FromUnixTimeSeconds(1_699_999_000)));

        Assert.Equal(JobStatus.Pending, fresh.Status);
        Assert.Equal(JobStatus.Failed, old.Status);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00+00:00")]
    [InlineData("1970-01-01T00:10:00+00:00")]
    [InlineData("9999-12-31T00:00:00+00:00")]
    public async Task A_submission_time_from_a_careless_store_still_finds_the_jobs_record(string submittedAt)
    {
        using var directory = new TempDirectory();
        var accounting = directory.Combine("accounting");
        await File.WriteAllLinesAsync(accounting, [Line(job: 5, failed: 0, exit: 3, task: 0, end: DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds())]);
        var runner = new GridEngineJobRunner(new GridEngineJobOptions(), new BatchRunnerParts(new CannedTools(_ => CannedTools.Ok(EmptyQstat)), TimeProvider.System, tool => "/usr/bin/" + tool)) { AccountingFile = accounting };

        var result = await runner.StatusAsync(new JobHandle("5", "gridengine", DateTimeOffset.Parse(submittedAt, CultureInfo.InvariantCulture)));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("3", result.Detail["exit_code"]!.ToString());
    }

    [Fact]
    public async Task A_job_ended_by_its_dependency_check_names_a_predecessor_that_failed_long_before_it_was_submitted()
    {
        using var directory = new TempDirectory();
        var accounting = directory.Combine("accounting");
        await File.WriteAllLinesAsync(accounting,
        [
            Line(job: 3, failed: 0, exit: 1, task: 0, end: 1_700_000_000),
            Line(job: 9, failed: 0, exit: 4, task: 0, end: 1_790_000_000),
            Line(job: 4, failed: 0, exit: GridEngineScriptRenderer.DependencyFailedExitCode, task: 0, end: 1_795_000_100),
        ]);
        var runner = new GridEngineJobRunner(new GridEngineJobOptions(), new BatchRunnerParts(new CannedTools(_ => CannedTools.Ok(EmptyQstat)), TimeProvider.System, tool => "/usr/bin/" + tool)) { AccountingFile = accounting };
        var metadata = new Dictionary<string, JsonNode?>
        {
            ["after"] = new JsonArray(new JsonObject { ["key"] = "gridengine-3", ["condition"] = "ok" }),
            ["after_job_ids"] = new JsonObject { ["gridengine-3"] = "3" },
        };

        var result = await runner.StatusAsync(new JobHandle("4", "gridengine", DateTimeOffset.FromUnixTimeSeconds(1_795_000_000)) { Metadata = metadata });

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("dependency gridengine-3 failed (it did not run)", result.Detail["reason"]!.ToString());
    }

    [Fact]
    public async Task A_job_ended_by_its_dependency_check_after_a_predecessor_that_left_no_record_says_it_did_not_succeed()
    {
        // A held predecessor deleted before it started leaves no accounting record: nothing shows it failed.
        using var directory = new TempDirectory();
        var accounting = directory.Combine("accounting");
        await File.WriteAllLinesAsync(accounting, [Line(job: 4, failed: 0, exit: GridEngineScriptRenderer.DependencyFailedExitCode, task: 0, end: 1_795_000_100)]);
        var runner = new GridEngineJobRunner(new GridEngineJobOptions(), new BatchRunnerParts(new CannedTools(_ => CannedTools.Ok(EmptyQstat)), TimeProvider.System, tool => "/usr/bin/" + tool)) { AccountingFile = accounting };
        var metadata = new Dictionary<string, JsonNode?>
        {
            ["after"] = new JsonArray(new JsonObject { ["key"] = "gridengine-3", ["condition"] = "ok" }, new JsonObject { ["key"] = "gridengine-2", ["condition"] = "any" }),
            ["after_job_ids"] = new JsonObject { ["gridengine-3"] = "3", ["gridengine-2"] = "2" },
        };

        var result = await runner.StatusAsync(new JobHandle("4", "gridengine", DateTimeOffset.FromUnixTimeSeconds(1_795_000_000)) { Metadata = metadata });

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("dependency gridengine-3 did not succeed: it was cancelled or never ran (it did not run)", result.Detail["reason"]!.ToString());
    }

    [Fact]
    public async Task A_job_in_error_is_failed_with_its_reason_and_deleted_in_one_call_for_all_of_them()
    {
        var fake = new CannedTools(argv => argv switch
        {
            ["qstat", "-u", ..] => CannedTools.Ok(QstatXml),
            ["qstat", "-j", ..] => CannedTools.Ok("job_number:                 8\nerror reason          1:      11/26/2026 11:54:09 [105:31366]: exit_status of job start = 100\n"),
            _ => CannedTools.Ok("root has deleted job 8"),
        });
        var runner = new GridEngineJobRunner(new GridEngineJobOptions(), new BatchRunnerParts(fake, TimeProvider.System, tool => "/usr/bin/" + tool)) { AccountingFile = "/nonexistent/accounting" };

        var result = await runner.StatusAsync(new JobHandle("8", "gridengine", DateTimeOffset.UtcNow));

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Contains("exit_status of job start = 100", result.Detail["reason"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(["qstat -u * -xml", "qstat -j 8", "qdel 8"], fake.Calls.Select(c => string.Join(' ', c)));
    }

    private const string EmptyQstat = "<?xml version='1.0'?>\n<job_info><queue_info></queue_info><job_info></job_info></job_info>\n";

    /// <summary>An accounting line of 45 fields with the given figures; the rest as a real one has them.</summary>
    internal static string Line(int job, int failed, int exit, int task, string maxrss = "0.000000", long end = 1795693755) =>
        string.Join(':', new[]
        {
            "all.q", "vm", "root", "root", "x.sh", job.ToString(CultureInfo.InvariantCulture), "sge", "0", "1795693752", "1795693752", end.ToString(CultureInfo.InvariantCulture),
            failed.ToString(CultureInfo.InvariantCulture), exit.ToString(CultureInfo.InvariantCulture), "3", "0.000000", "0.005871", maxrss,
            "0", "0", "0", "0", "297", "0", "0", "0.000000", "40", "0", "0", "0", "1", "4", "NONE", "defaultdepartment", "NONE", "1",
            task.ToString(CultureInfo.InvariantCulture), "0.005871", "0.000000", "0.000000", "NONE", "0.000000", "NONE", "0.000000", "0", "0",
        });
}
