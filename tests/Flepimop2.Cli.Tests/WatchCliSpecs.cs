using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>flepimop2 job watch</c> on the shell runner with real processes: on a pipe it prints one JSON line per change; under a
/// pseudo-terminal (<c>script</c>) it redraws a table in place and leaves the last one on screen.
/// </summary>
public sealed partial class WatchCliSpecs
{
    private const string Config = """
        jobs:
          bg: {module: shell, detach: true}
          local: {module: shell, detach: false}
        """;

    /// <summary>A sweep of three tasks of about a second each, of which task 1 fails.</summary>
    private static readonly string[] FailingSweep = ["job", "run", "-j", "bg", "--repeat", "3", "--", "sh", "-c", "sleep 1; [ \"$FLEPIMOP2_TASK_INDEX\" != 1 ]"];

    /// <summary>The cursor moving up N lines: what a redraw in place starts with.</summary>
    [GeneratedRegex(@"\x1b\[\d+A")]
    private static partial Regex CursorUp();

    [Fact]
    public async Task On_a_pipe_watch_prints_a_json_line_per_change_of_every_unfinished_job_and_exits_1_when_one_failed()
    {
        using var project = new TempProject(Config);
        var done = KeyOf(await project.Run("job", "run", "-j", "local", "--", "true"));
        // Now the store knows it finished: a watch without keys leaves it out.
        Assert.Equal(0, (await project.Run("job", "list")).ExitCode);
        var job = KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sleep", "1"));
        var sweep = KeyOf(await project.Run(FailingSweep));

        var watch = await project.Run("job", "watch", "--interval", "0.1");

        Assert.True(watch.ExitCode == 1, watch.ToString());
        Assert.DoesNotContain('\u001b', watch.Stdout);
        var lines = watch.StdoutLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.DoesNotContain(lines, l => (string?)l["key"] == done);
        Assert.Equal([job, sweep], lines.Where(l => (int)l["round"]! == 1).Select(l => (string?)l["key"]));
        Assert.Equal(lines.Select(l => (int)l["round"]!).Order(), lines.Select(l => (int)l["round"]!));
        foreach (var key in new[] { job, sweep })
        {
            // Changes only: no line repeats the one before it for the same job.
            var states = lines.Where(l => (string?)l["key"] == key).Select(l => $"{l["status"]} {l["tasks"]?.ToJsonString()}").ToList();
            Assert.True(states.Zip(states.Skip(1)).All(p => p.First != p.Second), string.Join('\n', states));
        }

        var last = lines.Last(l => (string?)l["key"] == job);
        Assert.Equal(("successful", "sleep"), ((string?)last["status"], (string?)last["target"]));
        Assert.Null(last["tasks"]);
        var end = lines.Last(l => (string?)l["key"] == sweep);
        Assert.Equal(("failed", "sweep"), ((string?)end["status"], (string?)end["target"]));
        Assert.Equal(
            """{"total":3,"successful":2,"failed":1,"finished_unknown":0,"running":0,"pending":0}""",
            end["tasks"]!.ToJsonString());
        Assert.True((long)end["elapsed_seconds"]! is >= 1 and < 60, end.ToJsonString());
    }

    [Fact]
    public async Task Watch_of_given_keys_exits_0_when_all_succeeded_and_says_a_finished_job_once()
    {
        using var project = new TempProject(Config);
        var done = KeyOf(await project.Run("job", "run", "-j", "local", "--", "true"));
        var job = KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sleep", "1"));
        var sweep = KeyOf(await project.Run("job", "run", "-j", "bg", "--repeat", "2", "--", "true"));

        var watch = await project.Run("job", "watch", done, job, sweep, done, "--json", "--interval", "0.1");

        Assert.True(watch.ExitCode == 0, watch.ToString());
        var lines = watch.StdoutLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var first = Assert.Single(lines, l => (string?)l["key"] == done);
        Assert.Equal((1, "successful", "true"), ((int)first["round"]!, (string?)first["status"], (string?)first["target"]));
        Assert.Equal("successful", (string?)lines.Last(l => (string?)l["key"] == job)["status"]);
        Assert.Equal(2, (int)lines.Last(l => (string?)l["key"] == sweep)["tasks"]!["successful"]!);
    }

    [Fact]
    public async Task Watch_with_nothing_unfinished_says_so_and_exits_0()
    {
        using var project = new TempProject(Config);
        KeyOf(await project.Run("job", "run", "-j", "local", "--", "false"));
        Assert.Equal(0, (await project.Run("job", "list")).ExitCode);

        var watch = await project.Run("job", "watch");

        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Empty(watch.Stdout);
        Assert.Contains("No unfinished jobs to watch.", watch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigint_ends_a_watch_with_130()
    {
        using var project = new TempProject(Config);
        var job = KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sleep", "60"));
        try
        {
            using var watch = CliRunner.Start(project.Path, null, "job", "watch", job);
            watch.StandardInput.Close();
            var first = await watch.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            using (var kill = Process.Start("kill", ["-INT", watch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }

            await watch.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal("running", (string?)JsonNode.Parse(first!)!["status"]);
            Assert.Equal(130, watch.ExitCode);
        }
        finally
        {
            await project.Run("job", "cancel", job);
        }
    }

    [Fact]
    public async Task On_a_terminal_watch_redraws_a_table_in_place_and_leaves_the_final_one()
    {
        using var project = new TempProject(Config);
        var job = KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sleep", "1"));
        var sweep = KeyOf(await project.Run(FailingSweep));

        var watch = await OnTerminal(project, "job", "watch", "--interval", "0.1");

        Assert.True(watch.ExitCode == 1, watch.ToString());
        var redraws = CursorUp().Matches(watch.Stdout);
        Assert.True(redraws.Count >= 2, $"the table was not redrawn:\n{watch.Stdout}");
        var final = Plain(watch.Stdout[(redraws[^1].Index + redraws[^1].Length)..]);
        Assert.Matches($@"│ {job} +│ sleep +│ successful +│", final);
        Assert.Matches($@"│ {sweep} +│ sweep +│ failed +│ .*2 successful, 1 failed", final);
        Assert.Contains("2 of 2 finished, 1 did not succeed", final, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_json_lines_are_still_printed_with_json_and_no_redraw()
    {
        using var project = new TempProject(Config);
        // Long enough that the watch's first round, however loaded the machine, sees it running.
        var job = KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sleep", "4"));

        var watch = await OnTerminal(project, "job", "watch", job, "--json", "--interval", "0.1");

        Assert.True(watch.ExitCode == 0, watch.ToString());
        // .NET turns the keypad's application mode on when its input is a terminal; nothing else may move or colour anything.
        var text = watch.Stdout.Replace("\u001b[?1h\u001b=", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["running", "successful"], lines.Select(l => (string?)l["status"]));
    }

    [Fact]
    public async Task A_target_from_a_tampered_record_cannot_recolour_or_clear_the_terminal()
    {
        using var project = new TempProject(Config);
        var job = KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sleep", "1"));
        var handle = project.Combine(".flepimop2_cache", "job", "handles", $"{job}.json");
        var record = JsonNode.Parse(await File.ReadAllTextAsync(handle))!;
        record["handle"]!["metadata"]!["command"]!["target"] = "[red]x[/]\u001b[2J\u202e";
        await File.WriteAllTextAsync(handle, record.ToJsonString());

        var table = await OnTerminal(project, "job", "watch", job, "--interval", "0.1");
        var json = await project.Run("job", "watch", job);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.DoesNotContain("\u001b[2J", table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202e', table.Stdout);
        Assert.Contains(@"[red]x[/]\x1b[2J\u202e", table.Stdout, StringComparison.Ordinal);
        Assert.Equal("[red]x[/]\u001b[2J\u202e", (string?)JsonNode.Parse(Assert.Single(json.StdoutLines))!["target"]);
        Assert.DoesNotContain('\u001b', json.Stdout);
    }

    [Fact]
    public async Task On_a_narrow_short_terminal_the_table_is_wrapped_to_its_width_and_cut_to_its_height()
    {
        using var project = new TempProject(Config);
        var sweep = KeyOf(await project.Run("job", "run", "-j", "bg", "--repeat", "3", "--", "true"));
        var wide = await OnTerminalOfSize(project, 60, 50, "job", "watch", sweep, "--interval", "0.1");
        for (var i = 0; i < 6; i++)
        {
            KeyOf(await project.Run("job", "run", "-j", "bg", "--", "sleep", "1"));
        }

        var tall = await OnTerminalOfSize(project, 60, 8, "job", "watch", "--interval", "0.1");

        Assert.True(wide.ExitCode == 0, wide.ToString());
        var table = FinalFrame(wide);
        Assert.All(table, line => Assert.True(line.EnumerateRunes().Count() <= 60, line));
        // The sweep's row goes on over more lines, its tasks column (the last) wrapped: the bar, then the counts.
        var row = table.SkipWhile(l => !l.StartsWith($"│ {sweep} ", StringComparison.Ordinal)).TakeWhile(l => l.StartsWith('│')).ToList();
        Assert.True(row.Count > 1, string.Join('\n', table));
        Assert.Equal($"{new string('█', 20)} 3 successful", string.Join(' ', row.Select(l => l.Split('│')[^2].Trim())).Replace("█ █", "██", StringComparison.Ordinal));
        Assert.True(tall.ExitCode == 0, tall.ToString());
        var cut = FinalFrame(tall);
        Assert.Equal(7, cut.Count);
        Assert.Equal("…", cut[^1]);
    }

    private static string KeyOf(CliResult submission)
    {
        Assert.True(submission.ExitCode == 0, submission.ToString());
        return submission.StdoutLines[^1].Split(' ')[0];
    }

    /// <summary>The text with its colours taken out, so a row can be matched.</summary>
    private static string Plain(string text) => Regex.Replace(text, @"\x1b\[[0-9;]*m", string.Empty);

    /// <summary>The lines of the last frame a watch drew, without colours or the codes that clear what an earlier frame left.</summary>
    private static List<string> FinalFrame(CliResult watch)
    {
        var redraws = CursorUp().Matches(watch.Stdout);
        Assert.True(redraws.Count >= 1, $"the table was not redrawn:\n{watch.Stdout}");
        var frame = Regex.Replace(watch.Stdout[(redraws[^1].Index + redraws[^1].Length)..], @"\x1b\[[0-9;?]*[A-Za-z]", string.Empty);
        return [.. frame.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>
    /// Runs flepimop2 on a pseudo-terminal of 160 columns, under util-linux <c>script</c>, and returns what the terminal got
    /// (stdout and stderr together, lines ended by CR LF) with flepimop2's exit code.
    /// </summary>
    private static Task<CliResult> OnTerminal(TempProject project, params string[] args) => OnTerminalOfSize(project, 160, 50, args);

    /// <summary>As <see cref="OnTerminal"/>, on a terminal of the given size.</summary>
    private static async Task<CliResult> OnTerminalOfSize(TempProject project, int columns, int rows, params string[] args)
    {
        var command = string.Join(' ', [Quote(CliRunner.Executable), .. args.Select(Quote)]);
        var start = new ProcessStartInfo("script", ["-q", "-e", "-c", $"stty cols {columns} rows {rows}; exec {command}", "/dev/null"])
        {
            WorkingDirectory = project.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["TERM"] = "xterm-256color";
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(CliRunner.CallLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"script -c '{command}' ran past {CliRunner.CallLimit.TotalSeconds:0} s:\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Quote(string word) => $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
