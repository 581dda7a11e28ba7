using System.Text;
using System.Text.Json;
using Flepimop2.Jobs.Batch;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// The batch script's recording function: a recorder that starts records the command's end and runs it once; where the
/// recorder cannot start on the node, bash records the exit code and times itself, once, atomically, never by writing into
/// something that is not a regular file, and without touching the script's own variables.
/// </summary>
public sealed class ExitRecordingFallbackSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs the script's recording function (with no recorder, or one that is not there) on a command, after <paramref name="before"/>.</summary>
    private async Task<(int ExitCode, string Record, string Output)> RunAsync(IReadOnlyList<string> recorder, string command, string before = "", string after = "")
    {
        var script = ExitRecording.Append(new StringBuilder(), recorder, _temp.Path, sweep: false)
            .Append(before).Append('\n')
            .Append("flepimop2_recorded ").Append(command).Append('\n')
            .Append("rc=$?\n")
            .Append(after).Append('\n')
            .Append("exit $rc\n")
            .ToString();
        var (exit, output) = await BashScript.RunAsync(script);
        var record = Path.Combine(_temp.Path, "exit.json");
        return (exit, File.Exists(record) ? await File.ReadAllTextAsync(record) : string.Empty, output);
    }

    /// <summary>A stand-in recorder that runs the command as <c>job exec --exit-record PATH -- ARGV</c> would, and writes a record only when <paramref name="records"/>.</summary>
    private string FakeRecorder(bool records)
    {
        var path = _temp.Combine(records ? "recorder" : "broken-recorder");
        File.WriteAllText(path, records
            ? """
              #!/bin/bash
              "${@:6}"
              rc=$?
              printf '{"exit_code":%d,"wrapper":"fake"}\n' "$rc" > "$4"
              exit "$rc"

              """
            : """
              #!/bin/bash
              echo 'recorder: cannot start' >&2
              exit 127

              """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
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

    [Fact]
    public async Task A_recorder_that_starts_records_and_runs_the_command_once_with_its_exit_code()
    {
        var (exit, record, output) = await RunAsync([FakeRecorder(records: true)], "sh -c 'echo ran; exit 5'");

        Assert.Equal(5, exit);
        Assert.Equal("ran\n", output);
        Assert.Equal("fake", JsonDocument.Parse(record).RootElement.GetProperty("wrapper").GetString());
    }

    [Fact]
    public async Task A_recorder_that_fails_before_it_records_leaves_the_command_to_bash()
    {
        var (exit, record, output) = await RunAsync([FakeRecorder(records: false)], "sh -c 'echo ran; exit 6'");

        Assert.Equal(6, exit);
        Assert.Equal("ran\n", output);
        Assert.Equal("bash", JsonDocument.Parse(record).RootElement.GetProperty("wrapper").GetString());
    }

    [Fact]
    public async Task The_recording_function_leaves_the_scripts_own_variables_alone()
    {
        var (_, _, output) = await RunAsync([], "true", "rc=mine; started=mine; ended=mine", "echo \"$started $ended\"");

        Assert.Equal("mine mine\n", output);
    }

    [Fact]
    public async Task A_sweeps_task_records_under_its_own_position()
    {
        Directory.CreateDirectory(ExitRecording.TaskRecords(_temp.Path));
        var script = ExitRecording.Append(new StringBuilder("flepimop2_task=3\n"), [], _temp.Path, sweep: true)
            .Append("flepimop2_recorded sh -c 'exit 7'\n")
            .ToString();

        var (exit, _) = await BashScript.RunAsync(script);

        Assert.Equal(7, exit);
        Assert.Equal(_temp.Combine("exit", "3.json"), ExitRecording.TaskRecord(_temp.Path, 3));
        Assert.Equal(7, JsonDocument.Parse(await File.ReadAllTextAsync(ExitRecording.TaskRecord(_temp.Path, 3))).RootElement.GetProperty("exit_code").GetInt32());
        Assert.False(File.Exists(ExitRecording.JobRecord(_temp.Path)));
    }
}
