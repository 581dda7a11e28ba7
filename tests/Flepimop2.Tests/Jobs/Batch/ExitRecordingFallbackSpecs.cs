using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Flepimop2.Jobs.Batch;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// Where the exit recorder cannot start on the node, the batch script's bash records the command's exit code and times
/// itself: once, atomically, and never by writing into something that is not a regular file.
/// </summary>
public sealed class ExitRecordingFallbackSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs the script's recording function (with no recorder, or one that is not there) on a command, after <paramref name="before"/>.</summary>
    private async Task<(int ExitCode, string Record, string Output)> RunAsync(IReadOnlyList<string> recorder, string command, string before = "")
    {
        var script = ExitRecording.Append(new StringBuilder(), recorder, _temp.Path, sweep: false)
            .Append(before).Append('\n')
            .Append("flepimop2_recorded ").Append(command).Append('\n')
            .Append("exit $?\n")
            .ToString();
        using var process = Process.Start(new ProcessStartInfo("timeout", ["20", "bash", "-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var record = Path.Combine(_temp.Path, "exit.json");
        return (process.ExitCode, File.Exists(record) ? await File.ReadAllTextAsync(record) : string.Empty, output);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task Without_a_recorder_bash_records_the_exit_code_and_times(int code)
    {
        var (exit, record, output) = await RunAsync([], $"sh -c 'echo ran; exit {code}'");

        Assert.Equal(code, exit);
        Assert.Equal("ran\n", output);
        var json = JsonDocument.Parse(record).RootElement;
        Assert.Equal(code, json.GetProperty("exit_code").GetInt32());
        Assert.Equal("bash", json.GetProperty("wrapper").GetString());
        Assert.True(DateTimeOffset.Parse(json.GetProperty("ended_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            >= DateTimeOffset.Parse(json.GetProperty("started_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_recorder_that_is_not_on_the_node_leaves_the_command_to_run_once()
    {
        var (exit, record, output) = await RunAsync([_temp.Combine("no-such-flepimop2")], "sh -c 'echo ran; exit 3'");

        Assert.Equal(3, exit);
        Assert.Equal("ran\n", output);
        Assert.Equal(3, JsonDocument.Parse(record).RootElement.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task A_FIFO_where_the_temporary_record_goes_neither_blocks_nor_becomes_the_record()
    {
        var (exit, record, _) = await RunAsync([], "sh -c 'exit 4'", "mkfifo \"$flepimop2_exit_record.$$.tmp\"");

        Assert.Equal(4, exit);
        Assert.Equal(4, JsonDocument.Parse(record).RootElement.GetProperty("exit_code").GetInt32());
    }
}
