namespace Flepimop2.Cli.Tests;

/// <summary>
/// Every number the command line takes (options, the lock timeout's environment variable, the completion directive's
/// position), each given every kind of bad value: a usage error (exit 2) naming the option and the value, and nothing else.
/// </summary>
public sealed class NumericOptionSpecs
{
    private const string Config = "jobs:\n  a: {module: shell}\nprocess:\n  ok: {module: shell, command: \"true\"}\n";

    /// <summary>Not a number, or not a finite one, in every spelling .NET's parsers might take.</summary>
    private static readonly string[] NotNumbers = ["abc", "nan", "NaN", "Infinity", "-Infinity", "∞", "1e400", "0x10", "1,5", " 1", "1 ", "１", ""];

    /// <summary>Whole numbers: every value outside its range, and numbers that are not whole.</summary>
    private static readonly string[] NotCounts = ["-1", "-0", "+1", "1.5", "1e3", "2147483648", "99999999999999999999", "9223372036854775808"];

    /// <summary>Seconds: negative, zero, under a millisecond (one tick, and below one tick), over a year.</summary>
    private static readonly string[] NotSeconds = ["-1", "0", "-0", "1e-9", "1e-7", "0.0009", "5e-324", "31536001", "1e308", "1.8e308"];

    /// <summary>Each numeric option, in a command line where it is the only mistake ({0} is its value).</summary>
    private static readonly (string Option, string[] Args, string[] Bad)[] Options =
    [
        ("--interval", ["job", "watch", "shell-1", "--interval", "{0}"], [.. NotNumbers, .. NotSeconds]),
        ("--interval", ["job", "watch", "--interval", "{0}"], ["1e-9", "31536001"]),
        ("--timeout", ["job", "wait", "shell-1", "--timeout", "{0}"], [.. NotNumbers, .. NotSeconds]),
        ("--repeat", ["job", "run", "--repeat", "{0}", "--", "true"], [.. NotNumbers, .. NotCounts, "0", "100001"]),
        ("--repeat", ["job", "process", "--repeat", "{0}"], ["0", "100001", "1e-9"]),
        ("--repeat", ["job", "simulate", "--repeat", "{0}"], ["0", "100001"]),
        ("--max-parallel", ["job", "run", "--repeat", "2", "--max-parallel", "{0}", "--", "true"], [.. NotNumbers, .. NotCounts, "0", "100001"]),
        ("--max-parallel", ["job", "process", "--repeat", "2", "--max-parallel", "{0}"], ["0", "100001"]),
        ("--tasks-per-job", ["job", "run", "--repeat", "2", "--tasks-per-job", "{0}", "--", "true"], [.. NotNumbers, .. NotCounts, "0", "100001"]),
        ("--tasks-per-job", ["job", "simulate", "--repeat", "2", "--tasks-per-job", "{0}"], ["0", "100001"]),
        ("--task", ["job", "status", "shell-1", "--task", "{0}"], [.. NotNumbers, .. NotCounts, "100000"]),
        ("--task", ["job", "logs", "shell-1", "--task", "{0}"], ["-1", "100000", "1e-9"]),
        ("--task", ["job", "cancel", "shell-1", "--task", "{0}"], ["-1", "100000", "1e-9"]),
        ("--cpus-per-task", ["job", "retry", "shell-1", "--cpus-per-task", "{0}"], [.. NotNumbers, .. NotCounts, "0", "1000001"]),
    ];

    public static TheoryData<string, string[]> OptionCases()
    {
        var cases = new TheoryData<string, string[]>();
        foreach (var (option, args, bad) in Options)
        {
            foreach (var value in bad)
            {
                cases.Add(option, [.. args.Select(a => a == "{0}" ? value : a)]);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(OptionCases))]
    public async Task A_numeric_option_out_of_range_or_not_a_number_is_a_usage_error_naming_it(string option, string[] args)
    {
        using var project = new TempProject(Config);

        var result = await project.Run(args);

        AssertUsageError(result, option);
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }

    /// <summary>The limits of <c>job retry</c>, checked by the recorded runner (Slurm, Grid Engine) before anything is asked of it.</summary>
    public static TheoryData<string, string, string> RetryLimitCases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var backend in new[] { "slurm", "gridengine" })
        {
            foreach (var memory in new[] { "0", "0G", "-1", "-1G", "NaN", "Infinity", "1e400", "0.0000000000001K", "99999999999999999999G", "9223372036854775807T", "8E", "" })
            {
                cases.Add(backend, "--memory", memory);
            }

            foreach (var time in new[] { "0", "00:00", "-1", "NaN", "1e9", "99999999999999999999", "9999999999", "1-24", "1-0:60", "1-0:0:60", "1-0:0:0.5", "" })
            {
                cases.Add(backend, "--time", time);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(RetryLimitCases))]
    public async Task A_retry_limit_out_of_range_is_a_usage_error_naming_it(string backend, string option, string value)
    {
        using var project = new TempProject(Config);
        var handles = project.Combine(".flepimop2_cache", "job", "handles");
        Directory.CreateDirectory(handles);
        await File.WriteAllTextAsync(
            Path.Combine(handles, $"{backend}-7.json"),
            $$$"""{"key": "{{{backend}}}-7", "handle": {"job_id": "7", "backend": "{{{backend}}}", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {"mode": "blocking", "returncode": 3}}, "job_config": {"module": "flepimop2.job.{{{backend}}}"}}""");

        var result = await project.Run("job", "retry", $"{backend}-7", option, value);

        AssertUsageError(result, option);
        Assert.Single(Directory.GetFiles(handles));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-1")]
    [InlineData("86401")]
    [InlineData("1e400")]
    [InlineData("0x10")]
    public async Task A_lock_timeout_out_of_range_is_a_usage_error_naming_the_variable(string value)
    {
        using var project = new TempProject(Config);

        var result = await CliRunner.RunAsync(project.Path, new Dictionary<string, string?> { ["FLEPIMOP2_LOCK_TIMEOUT"] = value }, "job", "list");

        AssertUsageError(result, "FLEPIMOP2_LOCK_TIMEOUT");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-5")]
    [InlineData("99999999999")]
    [InlineData("2147483648")]
    [InlineData("abc")]
    [InlineData("1e3")]
    [InlineData("1.5")]
    [InlineData("٣")]
    public async Task A_completion_position_out_of_range_is_a_usage_error_naming_the_directive(string position)
    {
        using var project = new TempProject(Config);

        var result = await project.Run($"[suggest:{position}]", "job st");

        AssertUsageError(result, "[suggest:N]");
    }

    [Fact]
    public async Task A_completion_directive_given_twice_is_a_usage_error()
    {
        using var project = new TempProject(Config);

        var result = await project.Run("[suggest:3]", "[suggest:4]", "job st");

        AssertUsageError(result, "[suggest]");
    }

    [Theory]
    [InlineData("0.001")]
    [InlineData("31536000")]
    public async Task The_shortest_and_longest_watch_intervals_are_taken(string interval)
    {
        using var project = new TempProject(Config);

        var result = await project.Run("job", "watch", "--interval", interval);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("No unfinished jobs to watch.\n", result.Stderr);
    }

    private static void AssertUsageError(CliResult result, string named)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var first = result.Stderr.Split('\n')[0];
        Assert.StartsWith("error: ", first, StringComparison.Ordinal);
        Assert.Contains(named, first, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }
}
