using System.Text.Json;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 job exec --exit-record FILE -- PROGRAM ARGS</c>, the wrapper every batch job's command runs under: it passes
/// the command's exit code on, and writes how the command ended (exit code or signal, times, host, peak memory, CPU time).
/// </summary>
public sealed class ExitRecordCliSpecs : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    private string Record => _project.Combine("run", "exit.json");

    private async Task<CliResult> ExecAsync(params string[] command)
    {
        Directory.CreateDirectory(_project.Combine("run"));
        return await _project.Run(["job", "exec", "--exit-record", Record, "--", .. command]);
    }

    private JsonElement ReadRecord() => JsonDocument.Parse(File.ReadAllText(Record)).RootElement;

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(255)]
    public async Task The_commands_exit_code_is_passed_on_and_recorded_with_its_times_and_host(int code)
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var run = await ExecAsync("sh", "-c", $"sleep 0.3; exit {code}");

        Assert.Equal(code, run.ExitCode);
        var record = ReadRecord();
        Assert.Equal(code, record.GetProperty("exit_code").GetInt32());
        Assert.False(record.TryGetProperty("signal", out var signal) && signal.ValueKind != JsonValueKind.Null);
        var started = DateTimeOffset.Parse(record.GetProperty("started_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var ended = DateTimeOffset.Parse(record.GetProperty("ended_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(started, before, ended);
        Assert.InRange((ended - started).TotalSeconds, 0.25, 30);
        Assert.Equal(Environment.MachineName, record.GetProperty("host").GetString());
        Assert.Equal("flepimop2", record.GetProperty("wrapper").GetString());
        Assert.Empty(Directory.GetFiles(_project.Combine("run"), "*.tmp"));
    }

    [Fact]
    public async Task A_command_killed_by_a_signal_is_recorded_with_the_signal_and_ends_the_wrapper_as_a_shell_would_say()
    {
        var run = await ExecAsync("sh", "-c", "kill -TERM $$");

        Assert.Equal(128 + 15, run.ExitCode);
        var record = ReadRecord();
        Assert.Equal(15, record.GetProperty("signal").GetInt32());
        Assert.True(!record.TryGetProperty("exit_code", out var code) || code.ValueKind == JsonValueKind.Null, record.ToString());
    }

    [Fact]
    public async Task A_cancel_file_that_appears_while_the_command_runs_stops_it_with_SIGTERM_and_is_recorded()
    {
        Directory.CreateDirectory(_project.Combine("run"));
        var cancel = _project.Combine("run", "cancel-3");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var run = _project.Run("job", "exec", "--exit-record", Record, "--cancel-file", cancel, "--", "sleep", "60");
        while (!File.Exists(Record) && started.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        await File.WriteAllTextAsync(cancel, string.Empty);
        var result = await run;

        Assert.Equal(128 + 15, result.ExitCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(40), $"the command ran on for {started.Elapsed} after its cancel file appeared");
        var record = ReadRecord();
        Assert.Equal(15, record.GetProperty("signal").GetInt32());
        Assert.True(record.TryGetProperty("ended_at", out _), record.ToString());
    }

    [Fact]
    public async Task A_cancel_file_already_there_means_the_command_never_starts()
    {
        Directory.CreateDirectory(_project.Combine("run"));
        var cancel = _project.Combine("run", "cancel-3");
        var mark = _project.Combine("ran");
        await File.WriteAllTextAsync(cancel, string.Empty);

        var result = await _project.Run("job", "exec", "--exit-record", Record, "--cancel-file", cancel, "--", "touch", mark);

        Assert.Equal(128 + 15, result.ExitCode);
        Assert.False(File.Exists(mark), "the cancelled command ran");
        Assert.Equal(15, ReadRecord().GetProperty("signal").GetInt32());
    }

    [Fact]
    public async Task The_peak_memory_recorded_is_the_commands_own()
    {
        var run = await ExecAsync(CliRunner.Dummy, "process", "allocate", "120", "0.5");

        Assert.True(run.ExitCode == 0, run.ToString());
        var peak = ReadRecord().GetProperty("peak_rss_bytes").GetInt64();
        Assert.InRange(peak, 120L * 1024 * 1024, 600L * 1024 * 1024);
        Assert.True(ReadRecord().GetProperty("cpu_seconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task The_address_space_recorded_is_the_largest_of_the_commands_processes_and_not_the_recorders()
    {
        // A grandchild maps 3 GiB it never touches: its address space, which Grid Engine's h_vmem caps, and not its resident
        // memory. The recorder's own runtime reserves far more, and is not counted.
        const string Map = "import mmap, time; m = mmap.mmap(-1, 3 << 30); time.sleep(0.6)";

        var run = await ExecAsync("sh", "-c", $"python3 -c '{Map}'; true");

        Assert.True(run.ExitCode == 0, run.ToString());
        var record = ReadRecord();
        Assert.InRange(record.GetProperty("peak_vmem_bytes").GetInt64(), 3L << 30, 4L << 30);
        Assert.True(record.GetProperty("peak_rss_bytes").GetInt64() < 1L << 30, record.ToString());
    }

    [Fact]
    public async Task A_program_that_cannot_start_is_recorded_as_exit_127_and_said()
    {
        var run = await ExecAsync(_project.Combine("no such program"));

        Assert.Equal(127, run.ExitCode);
        Assert.Contains("no such program", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(127, ReadRecord().GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task A_record_that_cannot_be_written_runs_nothing_and_says_why()
    {
        var mark = _project.Combine("ran");

        var run = await _project.Run("job", "exec", "--exit-record", _project.Combine("absent", "exit.json"), "--", "touch", mark);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot record the command's exit in", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(mark));
    }

    [Theory]
    [InlineData("job", "exec")]
    [InlineData("job", "exec", "--exit-record", "x.json")]
    [InlineData("job", "exec", "--exit-record", "x.json", "--")]
    [InlineData("job", "exec", "--", "true")]
    [InlineData("job", "exec", "--exit-record", "x.json", "--cancel-file", "--", "true")]
    [InlineData("job", "exec", "--exit-record", "x.json", "--cancel-file", "c")]
    public async Task A_wrong_command_line_is_a_usage_error(params string[] args)
    {
        var run = await _project.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: usage: flepimop2 job exec --exit-record FILE [--cancel-file FILE] -- PROGRAM", run.Stderr, StringComparison.Ordinal);
    }
}
