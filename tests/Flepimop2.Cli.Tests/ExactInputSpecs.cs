using System.Diagnostics;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// Bytes that are not UTF-8, in an argument, the environment, the current directory's path or the configuration file: .NET
/// would decode them to U+FFFD, so a job would get other bytes. Each is refused, naming it; UTF-8 (U+FFFD itself included)
/// passes exactly. The raw bytes are given by bash (<c>$'\xff'</c>), as a user's shell gives them.
/// </summary>
public sealed class ExactInputSpecs
{
    private const string Config = "jobs:\n  local: {module: shell, detach: false}\nprocess:\n  p: {module: shell, command: \"true\"}\n";

    /// <summary>Runs flepimop2 from bash: <paramref name="words"/> is bash text after the program (<c>$'\xff'</c> gives a byte).</summary>
    private static Task<CliResult> RunInBash(string directory, string words, string prefix = "") =>
        CliRunner.CaptureAsync(new ProcessStartInfo("bash", ["-c", $"{prefix}exec \"$0\" {words}", CliRunner.Executable]) { WorkingDirectory = directory });

    private static void AssertRefused(CliResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.StartsWith($"error: {message}", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("job run -j local -- printf '%s|' $'\\xff\\xfe'", 8, "\\xff\\xfe")]
    [InlineData("job run -j local --repeat 2 -- printf $'caf\\xc3\\xa9 \\xe9'", 9, "café \\xe9")]
    [InlineData("job run -j local -- sh -c 'printf %s \"$1\"' sh $'\\xc0\\xaf'", 10, "\\xc0\\xaf")]
    [InlineData("job process -t $'p\\xff'", 4, "p\\xff")]
    [InlineData("-v job list --status $'\\xed\\xa0\\x80'", 5, "\\xed\\xa0\\x80")]
    public async Task An_argument_that_is_not_utf8_is_refused_by_position_and_nothing_is_submitted(string words, int position, string escaped)
    {
        using var project = new TempProject(Config);

        var result = await RunInBash(project.Path, words);

        AssertRefused(result, 3, $"argument {position} ('{escaped}') is not UTF-8 text");
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }

    [Fact]
    public async Task A_configuration_path_that_is_not_utf8_is_refused_rather_than_another_file_read()
    {
        using var project = new TempProject();
        await File.WriteAllTextAsync(project.Combine("c\uFFFD.yaml"), Config);

        var result = await RunInBash(project.Path, "job process $'c\\xff.yaml'");

        AssertRefused(result, 3, "argument 3 ('c\\xff.yaml') is not UTF-8 text");
    }

    [Fact]
    public async Task Utf8_arguments_reach_the_job_exactly_a_replacement_character_of_their_own_too()
    {
        using var project = new TempProject(Config);
        var file = project.Combine("out");

        var result = await RunInBash(project.Path, $"job run -j local -- sh -c 'printf %s \"$1\" > \"$2\"' sh $'\\xef\\xbf\\xbd caf\\xc3\\xa9' '{file}'");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("\uFFFD café"u8.ToArray(), await File.ReadAllBytesAsync(file));
    }

    [Theory]
    [InlineData("job run -j local -- true")]
    [InlineData("job process")]
    [InlineData("process")]
    public async Task An_environment_variable_a_job_would_inherit_changed_is_refused_naming_it(string words)
    {
        using var project = new TempProject(Config);

        var result = await RunInBash(project.Path, words, prefix: "FLEPIMOP2_TEST=$'a\\xffb' ");

        AssertRefused(result, 3, "an environment variable, 'FLEPIMOP2_TEST=a\\xffb', is not UTF-8 text");
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }

    [Fact]
    public async Task An_environment_variable_that_is_not_utf8_does_not_stop_a_command_that_starts_no_job()
    {
        using var project = new TempProject(Config);

        var result = await RunInBash(project.Path, "job list", prefix: "FLEPIMOP2_TEST=$'a\\xffb' ");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_current_directory_whose_path_is_not_utf8_is_refused_and_nothing_is_made_elsewhere()
    {
        using var project = new TempProject();

        var result = await RunInBash(project.Path, "job run --config /dev/null -- true", prefix: "mkdir $'d\\xff' && cd $'d\\xff' && ");

        AssertRefused(result, 1, "the path of the current directory ('");
        Assert.Equal(["d\uFFFD"], Directory.GetFileSystemEntries(project.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_configuration_file_that_is_not_utf8_is_a_configuration_error_saying_where()
    {
        using var project = new TempProject();
        await File.WriteAllBytesAsync(project.Combine("config.yaml"), [.. "jobs:\n  local: {module: shell}\nprocess:\n  p: {module: shell, command: echo, args: [\"caf\u00e9 "u8, 0xe9, .. "\"]}\n"u8]);

        var result = await project.Run("job", "process");

        AssertRefused(result, 3, "config.yaml: the configuration file is not UTF-8 text: byte 0xE9 at line 4, column 50");
        Assert.False(Directory.Exists(project.StoreDirectory), "the store was written");
    }
}
