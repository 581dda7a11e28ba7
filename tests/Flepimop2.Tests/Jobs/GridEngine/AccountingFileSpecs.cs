using System.Text;
using Flepimop2.Jobs.GridEngine.Internal;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>The accounting file read from its end, back to the oldest job a status round asks about.</summary>
public sealed class AccountingFileSpecs
{
    private static readonly string[] Pieces = ["", "a", "ab:cd", "é", "日本", " ", "x:y:z", "1795693755", "#c"];

    [SeededProperty(MaxTest = 200)]
    public Property Lines_read_from_the_end_are_the_files_complete_lines_last_first_whatever_the_block_size() =>
        Prop.ForAll(
            Gen.Elements(Pieces).ListOf().Select(p => string.Concat(p)).ListOf().Zip(Gen.Choose(1, 40)).Zip(Gen.Elements("", "partial", "1:2:3")).ToArbitrary(),
            t =>
            {
                var ((lines, blockSize), unfinished) = t;
                using var directory = new TempDirectory();
                var path = directory.Combine("accounting");
                File.WriteAllBytes(path, Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")) + unfinished));

                var read = ReadAll(path, blockSize);

                return read.SequenceEqual(lines.AsEnumerable().Reverse());
            });

    [Fact]
    public async Task Reading_stops_at_the_first_run_that_ended_before_the_oldest_submission_asked_about()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("accounting");
        await File.WriteAllLinesAsync(path,
        [
            GridEngineParsingSpecs.Line(job: 1, failed: 0, exit: 3, task: 0, end: 1000),
            GridEngineParsingSpecs.Line(job: 2, failed: 0, exit: 4, task: 0, end: 1500),
            GridEngineParsingSpecs.Line(job: 3, failed: 0, exit: 5, task: 0, end: 2500),
            GridEngineParsingSpecs.Line(job: 4, failed: 26, exit: 0, task: 0, end: 0),
            GridEngineParsingSpecs.Line(job: 5, failed: 0, exit: 6, task: 0, end: 3000),
        ]);

        var recent = await AccountingFile.ReadAsync(path, new HashSet<string>(["1", "3", "4", "5"]), notBefore: 2000, CancellationToken.None);
        var all = await AccountingFile.ReadAsync(path, new HashSet<string>(["1", "3", "4", "5"]), long.MinValue, CancellationToken.None);

        // A run that never started has no end time and does not stop the reading.
        Assert.Equal(["3", "4", "5"], recent.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["1", "3", "4", "5"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, all["1"].ExitStatus);
    }

    [Fact]
    public async Task A_record_being_written_is_not_read_and_the_runs_before_it_are()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("accounting");
        var whole = GridEngineParsingSpecs.Line(job: 7, failed: 0, exit: 0, task: 0);
        var rerun = GridEngineParsingSpecs.Line(job: 7, failed: 0, exit: 9, task: 0);
        await File.WriteAllTextAsync(path, whole + "\n" + rerun[..(rerun.Length - 3)]);

        var records = await AccountingFile.ReadAsync(path, new HashSet<string>(["7"]), long.MinValue, CancellationToken.None);

        Assert.Equal(0, Assert.Single(records).Value.ExitStatus);
    }

    [Fact]
    public async Task A_line_too_long_to_be_a_record_is_skipped_and_the_records_around_it_are_read()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("accounting");
        var huge = new string('x', AccountingFile.MaxLineBytes * 3);
        await File.WriteAllLinesAsync(path,
        [
            GridEngineParsingSpecs.Line(job: 1, failed: 0, exit: 1, task: 0),
            huge,
            "8:" + huge,
            GridEngineParsingSpecs.Line(job: 2, failed: 0, exit: 2, task: 0),
        ]);

        var lines = ReadAll(path, AccountingFile.DefaultBlockSize);
        var records = await AccountingFile.ReadAsync(path, new HashSet<string>(["1", "2", "8"]), long.MinValue, CancellationToken.None);

        Assert.Equal(2, lines.Count);
        Assert.Equal(["1", "2"], records.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_reading_stops_when_the_visitor_says_so()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("accounting");
        await File.WriteAllLinesAsync(path, Enumerable.Range(0, 1000).Select(i => $"line {i}"));
        var seen = new List<string>();

        await AccountingFile.ScanFromEndAsync(path, line => { seen.Add(Encoding.UTF8.GetString(line)); return seen.Count < 3; }, CancellationToken.None, blockSize: 16);

        Assert.Equal(["line 999", "line 998", "line 997"], seen);
    }

    [Theory]
    [InlineData("a:b:c:d:e:5:g:h:i:1795693752:1795693755:0", 1795693755L)]
    [InlineData("a:b:c:d:e:5:g:h:i:1795693752000:1795693755000:0", 1795693755L)]
    [InlineData("a:b:c:d:e:5:g:h:i:0:0:0", 0L)]
    [InlineData("a:b:c:d:e:5:g:h:i:1:-3:0", null)]
    [InlineData("a:b:c:d:e:5:g:h:i:1:soon:0", null)]
    [InlineData("# Version: 8.1.9", null)]
    [InlineData("", null)]
    public void A_records_end_time_is_read_in_seconds_also_from_cells_that_write_milliseconds(string line, long? seconds)
    {
        Assert.Equal(seconds, AccountingParser.EndTime(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public async Task A_missing_file_is_an_error_the_caller_sees()
    {
        using var directory = new TempDirectory();

        await Assert.ThrowsAsync<FileNotFoundException>(() => AccountingFile.ReadAsync(directory.Combine("nope"), new HashSet<string>(["1"]), 0, CancellationToken.None));
    }

    private static List<string> ReadAll(string path, int blockSize)
    {
        var lines = new List<string>();
        AccountingFile.ScanFromEndAsync(path, line => { lines.Add(Encoding.UTF8.GetString(line)); return true; }, CancellationToken.None, blockSize).GetAwaiter().GetResult();
        return lines;
    }
}
