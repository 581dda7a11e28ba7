using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;
using Flepimop2.Jobs.Slurm;
using Flepimop2.Jobs.Slurm.Internal;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>
/// The pure parts of sweeps on Slurm: array task ids, what squeue, sacct and scontrol print about job arrays (verbatim from
/// the test cluster), the split of a sweep into arrays, the arrays a handle records, output patterns and the tools' argv.
/// </summary>
public sealed class SlurmSweepParsingSpecs
{
    /// <summary>What sacct gives a task not started yet (or a range of them) asking 50M on 1 CPU with no time limit.</summary>
    private static readonly JobUsage Waiting = new(0, "UNLIMITED", null, null, 50 * 1024 * 1024, 0, 1);

    [Theory]
    [InlineData("4211")]
    [InlineData("4211_17")]
    [InlineData("4211+1")]
    public void A_single_id_expands_to_itself(string id)
    {
        Assert.Equal([id], SlurmArrayIds.Expand(id));
    }

    [Fact]
    public void A_range_of_pending_tasks_expands_to_each_task_and_its_parallel_limit_is_dropped()
    {
        Assert.Equal(["4211_20", "4211_21", "4211_22", "4211_23"], SlurmArrayIds.Expand("4211_[20-23%50]"));
        Assert.Equal(["144_2", "144_3"], SlurmArrayIds.Expand("144_[2-3]"));
    }

    [Fact]
    public void A_comma_list_of_tasks_and_ranges_expands_to_each_in_order()
    {
        Assert.Equal(["4211_1", "4211_3", "4211_5", "4211_6", "4211_7"], SlurmArrayIds.Expand("4211_[1,3,5-7]"));
        Assert.Equal(["289_12", "289_13", "289_21", "289_22"], SlurmArrayIds.Expand("289_[12-13,21-22%4]"));
    }

    [Theory]
    [InlineData("4211_[a-3,5]", new[] { "4211_5" })]
    [InlineData("4211_[3-,5]", new[] { "4211_5" })]
    [InlineData("4211_[-3,5]", new[] { "4211_5" })]
    [InlineData("4211_[1-2-3,5]", new[] { "4211_5" })]
    [InlineData("4211_[+1-2,5]", new[] { "4211_5" })]
    [InlineData("4211_[ 1-2,5]", new[] { "4211_5" })]
    [InlineData("4211_[99999999999-99999999999,5]", new[] { "4211_5" })]
    [InlineData("4211_[]", new string[0])]
    [InlineData("4211_[%4]", new string[0])]
    [InlineData("4211_[,,]", new string[0])]
    public void A_malformed_part_of_a_range_is_ignored_and_the_rest_still_read(string id, string[] expected)
    {
        Assert.Equal(expected, SlurmArrayIds.Expand(id));
    }

    [Fact]
    public void A_reversed_range_stands_for_no_task()
    {
        Assert.Empty(SlurmArrayIds.Expand("4211_[9-3]"));
        Assert.Equal(["4211_1"], SlurmArrayIds.Expand("4211_[9-3,1]"));
    }

    [Theory]
    [InlineData("4211_[2-3")]
    [InlineData("4211[2-3]")]
    [InlineData("4211_2-3]")]
    public void An_id_that_is_not_a_whole_bracketed_range_is_taken_as_it_is(string id)
    {
        Assert.Equal([id], SlurmArrayIds.Expand(id));
    }

    [Fact]
    public void A_hostile_range_of_two_billion_tasks_expands_to_at_most_a_million_without_running_out_of_memory()
    {
        var count = 0;
        string? first = null;
        string? last = null;
        foreach (var id in SlurmArrayIds.Expand("1_[0-2147483646]"))
        {
            first ??= id;
            last = id;
            count++;
        }

        Assert.Equal(1_000_000, count);
        Assert.Equal("1_0", first);
        Assert.Equal("1_999999", last);
    }

    [Fact]
    public void The_expansion_cap_holds_for_a_whole_line_not_for_each_part()
    {
        Assert.Equal(1_000_000, SlurmArrayIds.Expand("1_[0-999999,5-9]").Count());
    }

    [Fact]
    public void A_range_that_ends_at_the_largest_index_stops_there_and_does_not_wrap_to_negative_tasks()
    {
        Assert.Equal(["1_2147483646", "1_2147483647"], SlurmArrayIds.Expand("1_[2147483646-2147483647]"));
    }

    [Fact]
    public void Sacct_keys_array_tasks_by_their_array_id_and_index_not_by_their_raw_id()
    {
        var rows = SacctParser.Parse(
            "289_3|294|FAILED|5:0|00:00:03|vm||50M|00:00.002|1|UNLIMITED\n" +
            "289_3.batch|294.batch|FAILED|5:0|00:00:03|vm|3128K||00:00.002|1|\n" +
            "289_0|291|COMPLETED|0:0|00:00:02|vm||50M|00:00.002|1|UNLIMITED\n" +
            "289_0.batch|291.batch|COMPLETED|0:0|00:00:02|vm|3180K||00:00.002|1|\n");

        Assert.Equal(["289_0", "289_3"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SlurmJobRow("289_3", "FAILED", 5, 0, "00:00:03", "vm", Usage: Ran(3, 3128)), rows["289_3"]);
        Assert.Equal(new SlurmJobRow("289_0", "COMPLETED", 0, 0, "00:00:02", "vm", Usage: Ran(2, 3180)), rows["289_0"]);
    }

    [Fact]
    public void A_sacct_line_for_a_range_of_pending_tasks_stands_for_each_task_it_names_and_no_other()
    {
        const string Printed =
            "289_3|294|FAILED|5:0|00:00:03|vm||50M|00:00.002|1|UNLIMITED\n" +
            "289_3.batch|294.batch|FAILED|5:0|00:00:03|vm|3128K||00:00.002|1|\n" +
            "289_0|291|COMPLETED|0:0|00:00:02|vm||50M|00:00.002|1|UNLIMITED\n" +
            "289_[12-19,21-49%4]|289|PENDING|0:0|00:00:00|None assigned||50M|00:00:00|1|UNLIMITED\n";

        var rows = SacctParser.Parse(Printed);

        string[] pending = [.. Enumerable.Range(12, 8).Concat(Enumerable.Range(21, 29)).Select(i => $"289_{i}")];
        Assert.Equal(["289_0", "289_3", .. pending], rows.Keys.Order(Comparer<string>.Create((a, b) => Index(a).CompareTo(Index(b)))));
        Assert.Equal(new SlurmJobRow("289_12", "PENDING", 0, 0, "00:00:00", null, FromRange: true, Usage: Waiting), rows["289_12"]);
        Assert.Equal(new SlurmJobRow("289_49", "PENDING", 0, 0, "00:00:00", null, FromRange: true, Usage: Waiting), rows["289_49"]);
        Assert.False(rows.ContainsKey("289_20"));
        Assert.False(rows.ContainsKey("289_11"));
        Assert.False(rows.ContainsKey("289_50"));
        Assert.False(rows.ContainsKey("289"));
    }

    [Fact]
    public void A_sacct_range_is_read_only_as_pending_or_cancelled_and_never_over_a_tasks_own_line()
    {
        // The array's own record goes to its last task when that starts; while accounting lags, the range of tasks still
        // waiting shows that task's end (FAILED 29:0 here), which says nothing about them.
        const string Printed =
            "420_19|420|FAILED|29:0|00:00:01|vm||50M|00:00.002|1|UNLIMITED\n" +
            "420_19.batch|420.batch|FAILED|29:0|00:00:01|vm|3100K||00:00.002|1|\n" +
            "420_[16-18]|420|FAILED|29:0|00:00:01|vm||50M|00:00.002|1|UNLIMITED\n" +
            "420_2|421|COMPLETED|0:0|00:00:01|vm||50M|00:00.002|1|UNLIMITED\n" +
            "420_2.batch|421.batch|COMPLETED|0:0|00:00:01|vm|3264K||00:00.002|1|\n" +
            "420_[1-3]|420|CANCELLED by 0|0:0|00:00:00|None assigned||50M|00:00:00|1|UNLIMITED\n";

        var rows = SacctParser.Parse(Printed);

        Assert.Equal(["420_1", "420_19", "420_2", "420_3"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SlurmJobRow("420_2", "COMPLETED", 0, 0, "00:00:01", "vm", Usage: Ran(1, 3264)), rows["420_2"]);
        Assert.Equal(new SlurmJobRow("420_3", "CANCELLED", 0, 0, "00:00:00", null, CancelledBy: "0", FromRange: true, Usage: Waiting), rows["420_3"]);
        Assert.Equal(3100 * 1024, rows["420_19"].Usage!.MaxRssBytes);
    }

    [Fact]
    public void Squeue_with_r_gives_each_array_task_its_state_reason_and_node()
    {
        var rows = SqueueParser.Parse("132_0|RUNNING|None|vm\n132_3|PENDING|JobArrayTaskLimit|\n");

        Assert.Equal(["132_0", "132_3"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SlurmJobRow("132_0", "RUNNING", Nodes: "vm"), rows["132_0"]);
        Assert.Equal(new SlurmJobRow("132_3", "PENDING", Reason: "JobArrayTaskLimit"), rows["132_3"]);
    }

    [Fact]
    public void A_squeue_line_for_a_collapsed_range_of_pending_tasks_stands_for_each_of_them()
    {
        var rows = SqueueParser.Parse("144_0|RUNNING|None|vm\n144_1|RUNNING|None|vm\n144_[2-9%2]|PENDING|JobArrayTaskLimit|\n");

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"144_{i}"), rows.Keys.Order(Comparer<string>.Create((a, b) => Index(a).CompareTo(Index(b)))));
        Assert.Equal(new SlurmJobRow("144_9", "PENDING", Reason: "JobArrayTaskLimit", FromRange: true), rows["144_9"]);
        Assert.Equal(new SlurmJobRow("144_1", "RUNNING", Nodes: "vm"), rows["144_1"]);
    }

    [Fact]
    public void Scontrol_keys_an_array_task_by_its_own_id_and_as_array_underscore_index()
    {
        const string Printed =
            "JobId=145 JobName=sweep UserId=root(0) ArrayJobId=144 ArrayTaskId=0 JobState=RUNNING Reason=None ExitCode=0:0 RunTime=00:00:05 NodeList=vm\n" +
            "JobId=146 JobName=sweep UserId=root(0) ArrayJobId=144 ArrayTaskId=1 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 RunTime=00:00:01 NodeList=vm\n";

        var rows = ScontrolParser.Parse(Printed);

        Assert.Equal(["144_0", "144_1", "145", "146"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SlurmJobRow("145", "RUNNING", 0, 0, "00:00:05", "vm"), rows["145"]);
        Assert.Equal(new SlurmJobRow("144_0", "RUNNING", 0, 0, "00:00:05", "vm"), rows["144_0"]);
        Assert.Equal(new SlurmJobRow("144_1", "FAILED", 3, 0, "00:00:01", "vm", "NonZeroExitCode"), rows["144_1"]);
    }

    [Fact]
    public void Scontrol_expands_the_pending_rest_of_an_array_to_each_task_and_keeps_its_own_line_under_the_array_id()
    {
        const string Printed =
            "JobId=145 ArrayJobId=144 ArrayTaskId=0 JobState=RUNNING Reason=None ExitCode=0:0 RunTime=00:00:05 NodeList=vm\n" +
            "JobId=144 ArrayJobId=144 ArrayTaskId=2-9%2 JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0 RunTime=00:00:00 NodeList=(null)\n";

        var rows = ScontrolParser.Parse(Printed);

        string[] expected = ["144", "145", "144_0", .. Enumerable.Range(2, 8).Select(i => $"144_{i}")];
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new SlurmJobRow("144", "PENDING", 0, 0, "00:00:00", null, "JobArrayTaskLimit"), rows["144"]);
        Assert.Equal(new SlurmJobRow("144_2", "PENDING", 0, 0, "00:00:00", null, "JobArrayTaskLimit"), rows["144_2"]);
        Assert.Equal(new SlurmJobRow("144_9", "PENDING", 0, 0, "00:00:00", null, "JobArrayTaskLimit"), rows["144_9"]);
        Assert.False(rows.ContainsKey("144_1"));
    }

    [Fact]
    public void Scontrol_expands_a_comma_list_of_array_task_ids()
    {
        var rows = ScontrolParser.Parse("JobId=300 ArrayJobId=300 ArrayTaskId=1,4-5 JobState=PENDING Reason=Resources ExitCode=0:0\n");

        Assert.Equal(["300", "300_1", "300_4", "300_5"], rows.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_largest_array_is_read_from_scontrol_show_config()
    {
        const string Printed =
            "Configuration data as of 2026-11-25T16:20:02\n" +
            "AccountingStorageType   = (null)\n" +
            "MaxArraySize            = 50\n" +
            "MaxJobCount             = 10000\n" +
            "MaxStepCount            = 40000\n";

        Assert.Equal(50, ScontrolConfigParser.MaxArraySize(Printed));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MaxJobCount             = 10000\nMaxStepCount            = 40000\n")]
    [InlineData("MaxArraySize            = lots\n")]
    [InlineData("MaxArraySize            = 0\n")]
    [InlineData("MaxArraySize            = -5\n")]
    [InlineData("MaxArraySize            = 99999999999\n")]
    [InlineData("MaxArraySizeLimit       = 7\n")]
    [InlineData("MaxArraySize\n")]
    public void Without_a_usable_max_array_size_slurms_default_of_1001_is_assumed(string printed)
    {
        Assert.Equal(1001, ScontrolConfigParser.MaxArraySize(printed));
    }

    [Fact]
    public void A_sweep_is_split_into_arrays_of_at_most_the_largest_size()
    {
        Assert.Equal([(0, 50), (50, 50), (100, 20)], BatchUnit.Plan(120, 50).Select(u => (u.First, u.Count)));
        Assert.Equal([(0, 50), (50, 50)], BatchUnit.Plan(100, 50).Select(u => (u.First, u.Count)));
        Assert.Equal([(0, 1)], BatchUnit.Plan(1, 1001).Select(u => (u.First, u.Count)));
        Assert.Equal([(0, 1), (1, 1), (2, 1)], BatchUnit.Plan(3, 1).Select(u => (u.First, u.Count)));
    }

    [Fact]
    public void An_array_size_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchUnit.Plan(10, 0).Select(u => (u.First, u.Count)));
    }

    [Fact]
    public void An_array_names_its_tasks_by_their_index_in_it_and_holds_only_its_own_tasks()
    {
        var array = new BatchUnit("102", 50, 50);

        var runner = new SlurmJobRunner();
        Assert.Equal("102_0", runner.TaskId(array.JobId, runner.ArrayIndex(array, 50)));
        Assert.Equal("102_7", runner.TaskId(array.JobId, runner.ArrayIndex(array, 57)));
        Assert.Equal("102_49", runner.TaskId(array.JobId, runner.ArrayIndex(array, 99)));
        Assert.Equal([false, true, true, true, false], new[] { 49, 50, 57, 99, 100 }.Select(array.Holds));
    }

    [Fact]
    public void The_arrays_a_handle_records_are_read_back_as_written()
    {
        BatchUnit[] arrays = [new("101", 0, 50), new("102", 50, 50), new("103", 100, 20)];
        var handle = SweepHandle(BatchUnit.ToJson(arrays));

        Assert.Equal(arrays, UnitsOf(handle));
        Assert.Equal(
            """[{"job_id":"101","first":0,"count":50},{"job_id":"102","first":50,"count":50},{"job_id":"103","first":100,"count":20}]""",
            BatchUnit.ToJson(arrays).ToJsonString());
    }

    [Fact]
    public void A_handle_without_arrays_or_with_arrays_that_are_not_a_list_records_none()
    {
        Assert.Empty(UnitsOf(new JobHandle("101", "slurm", DateTimeOffset.UtcNow)));
        Assert.Empty(UnitsOf(SweepHandle(JsonValue.Create("101"))));
        Assert.Empty(UnitsOf(SweepHandle(new JsonObject { ["job_id"] = "101", ["first"] = 0, ["count"] = 1 })));
        Assert.Empty(UnitsOf(SweepHandle(null)));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("7")]
    [InlineData("\"101\"")]
    [InlineData("[\"101\", 0, 5]")]
    [InlineData("{\"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 0}")]
    [InlineData("{\"job_id\": \"101_3\", \"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": \"abc\", \"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101;rm -rf ~\", \"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101,102\", \"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": \"\", \"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": [\"101\"], \"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": true, \"first\": 0, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"first\": -1, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 0, \"count\": 0}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 0, \"count\": -3}")]
    [InlineData("{\"job_id\": \"101\", \"first\": \"zero\", \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 0, \"count\": true}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 0.5, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"first\": {}, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 0, \"count\": 1e400}")]
    public void A_damaged_array_entry_is_left_out_and_the_others_are_kept(string entry)
    {
        var arrays = new JsonArray(JsonNode.Parse(entry), new JsonObject { ["job_id"] = "102", ["first"] = 5, ["count"] = 5 });

        Assert.Equal([new BatchUnit("102", 5, 5)], UnitsOf(SweepHandle(arrays)));
    }

    [Theory]
    [InlineData("{\"job_id\": \"101\", \"first\": 4294967296, \"count\": 5}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 0, \"count\": 4294967301}")]
    [InlineData("{\"job_id\": \"101\", \"first\": 2147483648, \"count\": 5}")]
    public void An_array_entry_whose_first_task_or_count_does_not_fit_an_int_is_left_out_not_wrapped_around(string entry)
    {
        var arrays = new JsonArray(JsonNode.Parse(entry), new JsonObject { ["job_id"] = "102", ["first"] = 5, ["count"] = 5 });

        Assert.Equal([new BatchUnit("102", 5, 5)], UnitsOf(SweepHandle(arrays)));
    }

    [Fact]
    public void An_array_tasks_output_file_has_the_arrays_id_and_the_tasks_index_in_it()
    {
        Assert.Equal("/w/slurm-102_7.out", SlurmOutputPattern.Expand("/w/slurm-%A_%a.out", "102", "n", "me", "/w", 7));
        Assert.Equal("/w/logs/n-me-0102-007.out", SlurmOutputPattern.Expand("logs/%x-%u-%4A-%3a.out", "102", "n", "me", "/w", 7));
        Assert.Equal("/w/100%/slurm-102_0.out", SlurmOutputPattern.Expand("/w/100%%/slurm-%A_%a.out", "102", "n", "me", "/w", 0));
    }

    [Fact]
    public void An_array_tasks_own_id_is_not_known_at_submission_so_j_is_left_as_it_is()
    {
        Assert.Equal("/w/%j-7.out", SlurmOutputPattern.Expand("%j-%a.out", "102", "n", "me", "/w", 7));
        Assert.Equal("/w/%J-7.out", SlurmOutputPattern.Expand("%J-%a.out", "102", "n", "me", "/w", 7));
    }

    [Fact]
    public void Outside_an_array_a_is_left_as_it_is_and_j_is_the_jobs_id()
    {
        Assert.Equal("/w/102-%a.out", SlurmOutputPattern.Expand("%j-%a.out", "102", "n", "me", "/w"));
    }

    [Theory]
    [InlineData("slurm-%j.out", true)]
    [InlineData("slurm-%J.out", true)]
    [InlineData("slurm-%10j.out", true)]
    [InlineData("%j", true)]
    [InlineData("%%%j", true)]
    [InlineData("logs/%x/%u-%1J", true)]
    [InlineData("slurm-%%j.out", false)]
    [InlineData("slurm-%A_%a.out", false)]
    [InlineData("slurm-%10A_%3a.out", false)]
    [InlineData("jobs/j.out", false)]
    [InlineData("100%", false)]
    [InlineData("%", false)]
    [InlineData("", false)]
    public void Whether_a_pattern_names_the_jobs_own_id(string pattern, bool names)
    {
        Assert.Equal(names, SlurmOutputPattern.NamesOwnId(pattern));
    }

    [Fact]
    public void One_array_is_submitted_with_its_indices_its_parallel_limit_and_the_first_task_as_the_scripts_argument()
    {
        Assert.Equal(
            ["sbatch", "--parsable", "--array=0-49%4", "/s/sweep.sh", "0"],
            SlurmCommandLines.SbatchArray("/s/sweep.sh", 0, 50, 4, null));
        Assert.Equal(
            ["sbatch", "--parsable", "--array=0-19%4", "--dependency=afterany:102", "/s/sweep.sh", "100"],
            SlurmCommandLines.SbatchArray("/s/sweep.sh", 100, 20, 4, "afterany:102"));
    }

    [Fact]
    public void Without_a_parallel_limit_the_array_has_no_percent_and_without_a_dependency_no_dependency_option()
    {
        Assert.Equal(["sbatch", "--parsable", "--array=0-49", "/s/sweep.sh", "50"], SlurmCommandLines.SbatchArray("/s/sweep.sh", 50, 50, null, null));
        Assert.Equal(["sbatch", "--parsable", "--array=0-0", "/s/sweep.sh", "7"], SlurmCommandLines.SbatchArray("/s/sweep.sh", 7, 1, null, null));
        Assert.Equal(
            ["sbatch", "--parsable", "--array=0-9", "--dependency=afterok:7,afterany:101", "/s/sweep.sh", "10"],
            SlurmCommandLines.SbatchArray("/s/sweep.sh", 10, 10, null, "afterok:7,afterany:101"));
    }

    [Fact]
    public void Squeue_lists_every_array_task_with_r_and_sacct_asks_for_the_array_task_ids()
    {
        Assert.Equal(["squeue", "-t", "all", "-r", "-h", "-O", "JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:", "-j", "101,102"], SlurmCommandLines.Squeue(["101", "102"], null));
        Assert.Equal(["squeue", "-M", "c1", "-t", "all", "-r", "-h", "-O", "JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:", "-j", "101"], SlurmCommandLines.Squeue(["101"], "c1"));
        Assert.Equal(["sacct", "-P", "-n", "-o", "JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList,MaxRSS,ReqMem,TotalCPU,AllocCPUS,Timelimit", "-j", "101,102"], SlurmCommandLines.Sacct(["101", "102"], null));
    }

    [Fact]
    public void Several_jobs_are_cancelled_in_one_scancel_call()
    {
        Assert.Equal(["scancel", "101", "102", "103"], SlurmCommandLines.Scancel(["101", "102", "103"], null));
        Assert.Equal(["scancel", "-M", "c1", "101", "102_7"], SlurmCommandLines.Scancel(["101", "102_7"], "c1"));
    }

    [Fact]
    public void The_configuration_is_asked_with_M_only_when_sbatch_named_where_it_submitted()
    {
        Assert.Equal(["scontrol", "show", "config"], SlurmCommandLines.ScontrolShowConfig(null));
        Assert.Equal(["scontrol", "-M", "c1", "show", "config"], SlurmCommandLines.ScontrolShowConfig("c1"));
    }

    private static int Index(string taskId) => int.Parse(taskId[(taskId.IndexOf('_', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static JobHandle SweepHandle(JsonNode? arrays) => new("101", "slurm", DateTimeOffset.UtcNow)
    {
        Metadata = new Dictionary<string, JsonNode?>
        {
            [BatchUnit.Key] = arrays,
            ["sweep"] = new JsonObject { ["tasks"] = 120 },
        },
    };

    /// <summary>A task that ran <paramref name="seconds"/> on 1 CPU of its 50M, with the peak of its batch step.</summary>
    private static JobUsage Ran(long seconds, long peakKiB) => new(seconds, "UNLIMITED", null, peakKiB * 1024, 50 * 1024 * 1024, 0.002, 1);

    private static IReadOnlyList<BatchUnit> UnitsOf(JobHandle handle) => new SlurmJobRunner().Units(handle);
}
