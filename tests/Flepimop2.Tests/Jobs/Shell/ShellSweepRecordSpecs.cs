using System.Diagnostics;
using System.Globalization;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// What a shell sweep's directory records, parsed line by line: torn lines, lines naming tasks the sweep does not have and
/// junk are ignored, the last record of a task wins, and files that are links, FIFOs or too large are never read.
/// </summary>
public sealed class ShellSweepRecordSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_result_line_with_its_start_and_end_gives_the_tasks_elapsed_time_and_an_odd_one_gives_none()
    {
        var records = Parse("0 0 1764160000.100000 1764160002.350000\n1 3\n2 1 1764160000,5 1764160001,0\n3 0 1764160005.0 1764160004.0\n");

        Assert.Equal([0, 3, 1, 0], Enumerable.Range(0, 4).Select(i => records.Results[i]));
        Assert.Equal(2.25, records.Elapsed![0]);
        Assert.Equal(0.5, records.Elapsed[2]);
        Assert.False(records.Elapsed.ContainsKey(1));
        Assert.False(records.Elapsed.ContainsKey(3));
        Assert.Equal((DateTimeOffset.FromUnixTimeMilliseconds(1_764_160_000_100), DateTimeOffset.FromUnixTimeMilliseconds(1_764_160_002_350)), records.Times![0]);
        Assert.Equal([0, 2], records.Times.Keys.Order());
    }

    private static ShellSweepRecords Parse(string results = "", string started = "", string pids = "", string[]? cancel = null, string done = "", int count = 4) =>
        ShellSweepRecords.Parse(results, started, pids, cancel ?? [], done, count);

    private static string Show(IReadOnlyDictionary<int, int?> results) =>
        string.Join(' ', results.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value?.ToString(CultureInfo.InvariantCulture) ?? "cancelled"}"));

    private static string Show(IReadOnlySet<int> tasks) => string.Join(' ', tasks.Order());

    private static string Show(IReadOnlyDictionary<int, (int Pid, long StartTicks)> pids) =>
        string.Join(' ', pids.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value.Pid}@{kv.Value.StartTicks}"));

    // --- results ---------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("0 0\n1 3\n2 cancelled\n3 143\n", "0=0 1=3 2=cancelled 3=143")]
    [InlineData("0 0\n", "0=0")]
    [InlineData("0 0", "0=0")]
    [InlineData("", "")]
    [InlineData("\n\n\n", "")]
    [InlineData("  2   255  \n", "2=255")]
    [InlineData("3 0\n0 1\n", "0=1 3=0")]
    [InlineData("0 1\n0 0\n", "0=0")]
    [InlineData("0 0\n0 1\n", "0=1")]
    [InlineData("1 0\n1 cancelled\n", "1=cancelled")]
    [InlineData("1 cancelled\n1 137\n", "1=137")]
    [InlineData("0 0\n1", "0=0")]
    [InlineData("0 0\n1 ", "0=0")]
    [InlineData("0 0\n1 1", "0=0 1=1")]
    [InlineData("0 0\n1 3 x\n", "0=0")]
    [InlineData("0 0 0\n", "")]
    [InlineData("4 0\n", "")]
    [InlineData("5 0\n", "")]
    [InlineData("-1 0\n", "")]
    [InlineData("+1 0\n", "")]
    [InlineData("1.0 0\n", "")]
    [InlineData("0x1 0\n", "")]
    [InlineData("2147483647 0\n", "")]
    [InlineData("2147483648 0\n", "")]
    [InlineData("99999999999999999999999999 0\n", "")]
    [InlineData("1 99999999999\n", "")]
    [InlineData("1 2147483648\n", "")]
    [InlineData("1 x\n", "")]
    [InlineData("1 Cancelled\n", "")]
    [InlineData("1 cancel\n", "")]
    [InlineData("x 0\n", "")]
    [InlineData("1\t0\n", "")]
    [InlineData("\0\u00ff\u001b[31m\n2 0\n", "2=0")]
    [InlineData("garbage\n1 2 3 4 5\n\n3 7\n", "3=7")]
    public void Each_result_line_is_a_task_and_its_exit_code_or_cancelled_and_anything_else_is_ignored(string results, string expected)
    {
        Assert.Equal(expected, Show(Parse(results).Results));
    }

    [Fact]
    public void Only_tasks_below_the_count_are_taken()
    {
        const string Results = "0 0\n1 0\n2 0\n3 0\n";

        Assert.Equal("0=0 1=0", Show(Parse(Results, count: 2).Results));
        Assert.Equal(string.Empty, Show(Parse(Results, count: 0).Results));
        Assert.Equal("0=0 1=0 2=0 3=0", Show(Parse(Results, count: 100_000).Results));
    }

    // --- started and pids ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("0\n2\n", "0 2")]
    [InlineData("1\n1\n1\n", "1")]
    [InlineData("3", "3")]
    [InlineData("0\n1 2\n", "0")]
    [InlineData("4\n5\n-1\n+2\nx\n", "")]
    [InlineData("99999999999\n2147483647\n", "")]
    [InlineData("  1  \n\n", "1")]
    [InlineData("", "")]
    public void Each_started_line_is_one_task_of_the_sweep(string started, string expected)
    {
        Assert.Equal(expected, Show(Parse(started: started).Started));
    }

    [Theory]
    [InlineData("0 4242 123456\n", "0=4242@123456")]
    [InlineData("0 4242 123456\n1 4243 0\n", "0=4242@123456 1=4243@0")]
    [InlineData("0 42 5\n0 43 6\n", "0=43@6")]
    [InlineData("0 1 5\n1 0 5\n2 -5 5\n3 2 5\n", "3=2@5")]
    [InlineData("0 4242\n", "")]
    [InlineData("0 4242 5 9\n", "")]
    [InlineData("0 4242 x\n", "")]
    [InlineData("0 4242 -5\n", "")]
    [InlineData("0 x 5\n", "")]
    [InlineData("0 99999999999 5\n", "")]
    [InlineData("0 2147483647 9223372036854775807\n", "0=2147483647@9223372036854775807")]
    [InlineData("0 42 9223372036854775808\n", "")]
    [InlineData("4 4242 5\n-1 4242 5\n", "")]
    [InlineData("1 4242 5\n2 42", "1=4242@5")]
    public void Each_pid_line_is_a_task_a_process_id_above_one_and_a_start_time(string pids, string expected)
    {
        Assert.Equal(expected, Show(Parse(pids: pids).Pids));
    }

    // --- cancel and done -------------------------------------------------------------------------------------------------

    [Fact]
    public void A_cancel_file_named_all_cancels_every_task()
    {
        var records = Parse(cancel: ["all"]);

        Assert.True(records.CancelAll);
        Assert.Empty(records.Cancelled);
        Assert.All(Enumerable.Range(0, 4), task => Assert.True(records.IsCancelled(task)));
    }

    [Fact]
    public void Cancel_files_named_after_tasks_cancel_those_and_junk_names_nothing()
    {
        var records = Parse(cancel: ["1", "3", "junk", "4", "9", "-1", "all.tmp", "ALL", ".all", "1 ", "x1", "99999999999"]);

        Assert.False(records.CancelAll);
        Assert.Equal("1 3", Show(records.Cancelled));
        Assert.Equal([false, true, false, true], Enumerable.Range(0, 4).Select(records.IsCancelled));
    }

    [Fact]
    public void No_cancel_file_cancels_nothing()
    {
        var records = Parse();

        Assert.False(records.CancelAll);
        Assert.Empty(records.Cancelled);
        Assert.DoesNotContain(Enumerable.Range(0, 4), records.IsCancelled);
    }

    [Theory]
    [InlineData("0\n", 0)]
    [InlineData("1\n", 1)]
    [InlineData("0", 0)]
    [InlineData("  1  \n\n", 1)]
    [InlineData("", null)]
    [InlineData("\n", null)]
    [InlineData("x\n", null)]
    [InlineData("-1\n", null)]
    [InlineData("+1\n", null)]
    [InlineData("0 1\n", null)]
    [InlineData("1.0\n", null)]
    [InlineData("99999999999\n", null)]
    public void The_done_record_is_the_number_the_supervisor_wrote_or_nothing(string done, int? expected)
    {
        Assert.Equal(expected, Parse(done: done).Done);
    }

    [Fact]
    public void The_record_files_are_independent_of_each_other()
    {
        var records = Parse(results: "0 0\n2 1\n", started: "0\n1\n2\n", pids: "0 100 7\n1 101 8\n2 102 9\n", cancel: ["2"], done: "", count: 3);

        Assert.Equal("0=0 2=1", Show(records.Results));
        Assert.Equal("0 1 2", Show(records.Started));
        Assert.Equal("0=100@7 1=101@8 2=102@9", Show(records.Pids));
        Assert.Equal("2", Show(records.Cancelled));
        Assert.False(records.CancelAll);
        Assert.Null(records.Done);
    }

    // --- Read: a directory on disk ---------------------------------------------------------------------------------------

    private string RunDirectory(string results = "0 0\n1 5\n", string started = "0\n1\n2\n", string pids = "2 4242 77\n", string done = "0\n", params string[] cancel)
    {
        var run = _temp.Combine("run");
        Directory.CreateDirectory(Path.Combine(run, "cancel"));
        File.WriteAllText(Path.Combine(run, "results"), results);
        File.WriteAllText(Path.Combine(run, "started"), started);
        File.WriteAllText(Path.Combine(run, "pids"), pids);
        File.WriteAllText(Path.Combine(run, "done"), done);
        foreach (var name in cancel)
        {
            File.WriteAllText(Path.Combine(run, "cancel", name), string.Empty);
        }

        return run;
    }

    [Fact]
    public void A_sweeps_directory_is_read_file_by_file()
    {
        var run = RunDirectory(cancel: ["1", "junk"]);

        var records = ShellSweepRecords.Read(run, 3);

        Assert.Equal("0=0 1=5", Show(records.Results));
        Assert.Equal("0 1 2", Show(records.Started));
        Assert.Equal("2=4242@77", Show(records.Pids));
        Assert.Equal("1", Show(records.Cancelled));
        Assert.False(records.CancelAll);
        Assert.Equal(0, records.Done);
    }

    [Fact]
    public void A_directory_with_no_records_yet_reads_as_nothing_recorded()
    {
        var missing = ShellSweepRecords.Read(_temp.Combine("absent"), 3);
        Directory.CreateDirectory(_temp.Combine("empty"));
        var empty = ShellSweepRecords.Read(_temp.Combine("empty"), 3);

        foreach (var records in new[] { missing, empty })
        {
            Assert.Empty(records.Results);
            Assert.Empty(records.Started);
            Assert.Empty(records.Pids);
            Assert.Empty(records.Cancelled);
            Assert.False(records.CancelAll);
            Assert.Null(records.Done);
        }
    }

    [Fact]
    public void Record_files_that_are_symbolic_links_are_not_followed()
    {
        var run = RunDirectory(cancel: ["all"]);
        var elsewhere = _temp.Combine("elsewhere");
        Directory.CreateDirectory(elsewhere);
        foreach (var (name, text) in new[] { ("results", "0 0\n1 0\n2 0\n"), ("started", "0\n1\n2\n"), ("pids", "0 4242 5\n"), ("done", "0\n") })
        {
            File.WriteAllText(Path.Combine(elsewhere, name), text);
            File.Delete(Path.Combine(run, name));
            File.CreateSymbolicLink(Path.Combine(run, name), Path.Combine(elsewhere, name));
        }

        var records = ShellSweepRecords.Read(run, 3);

        Assert.Empty(records.Results);
        Assert.Empty(records.Started);
        Assert.Empty(records.Pids);
        Assert.Null(records.Done);
        Assert.True(records.CancelAll);
    }

    [Fact]
    public async Task Record_files_that_are_fifos_are_not_read_and_never_block()
    {
        var run = RunDirectory();
        string[] names = ["results", "started", "pids", "done"];
        foreach (var name in names)
        {
            File.Delete(Path.Combine(run, name));
            MakeFifo(Path.Combine(run, name));
        }

        ShellSweepRecords records;
        try
        {
            records = await Task.Run(() => ShellSweepRecords.Read(run, 3)).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // The read blocked: a writer that opens and closes each FIFO releases it, then the test fails.
            foreach (var name in names)
            {
                Run("timeout", "2", "sh", "-c", ": > \"$1\"", "sh", Path.Combine(run, name));
            }

            throw;
        }

        Assert.Empty(records.Results);
        Assert.Empty(records.Started);
        Assert.Empty(records.Pids);
        Assert.Null(records.Done);
    }

    [Fact]
    public void A_record_file_larger_than_the_cap_is_not_read_and_the_others_are()
    {
        var run = RunDirectory(results: string.Empty);
        using (var results = new FileStream(Path.Combine(run, "results"), FileMode.Create, FileAccess.Write))
        {
            // A sparse file: 64 MiB and one byte, of valid lines at its start.
            results.Write("0 0\n1 0\n"u8);
            results.SetLength((64L << 20) + 1);
        }

        var records = ShellSweepRecords.Read(run, 3);

        Assert.Empty(records.Results);
        Assert.Equal("0 1 2", Show(records.Started));
        Assert.Equal(0, records.Done);
    }

    [Fact]
    public void Record_files_that_are_directories_read_as_nothing_recorded()
    {
        var run = RunDirectory();
        foreach (var name in new[] { "results", "started", "pids", "done" })
        {
            File.Delete(Path.Combine(run, name));
            Directory.CreateDirectory(Path.Combine(run, name));
        }

        var records = ShellSweepRecords.Read(run, 3);

        Assert.Empty(records.Results);
        Assert.Empty(records.Started);
        Assert.Empty(records.Pids);
        Assert.Null(records.Done);
    }

    private static void MakeFifo(string path) => Run("mkfifo", path);

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
        }
    }
}
