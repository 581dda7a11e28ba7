using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// The files the manual says a shell job and a shell sweep leave (names, the fields of a line, the store's fields), read
/// from its pages (docs/shell.md, docs/sweeps.md, docs/command-line.md) and looked for in what real jobs wrote: the manual
/// cannot drift from the code unnoticed.
/// </summary>
public sealed class ManualFormatSpecs
{
    private const string Config = "jobs:\n  bg: {module: shell}\n";

    [Fact]
    public async Task A_detached_job_leaves_the_files_the_manual_names()
    {
        var prose = Manual.Item("docs/shell.md", "A detached job's id is its pid").Prose;
        var files = Manual.Find(prose, @"named the job's directory \(`logs/shell-<pid>/`\), then sends the job's output to `([^`]+)` and writes the exit code atomically to `([^`]+)` when the job ends");
        using var project = new TempProject(Config);

        var key = await RunAndWait(project, "job", "run", "--", "sh", "-c", "echo out; exit 4");

        var directory = project.Combine(".flepimop2_cache", "job", "logs", key);
        Assert.Equal("out\n", await File.ReadAllTextAsync(Path.Combine(directory, files.Groups[1].Value)));
        Assert.Equal("4", (await File.ReadAllTextAsync(Path.Combine(directory, files.Groups[2].Value))).Trim());
    }

    [Fact]
    public async Task A_shell_sweep_leaves_the_files_and_result_lines_the_manual_states()
    {
        var prose = Manual.Item("docs/sweeps.md", "**Shell:**").Prose;
        var log = Manual.Find(prose, @"each with its output in `logs/shell-<pid>/([^`]+)`").Groups[1].Value;
        var results = Manual.Find(prose, @"its exit code appended atomically to `([^`]+)` when it ends \(`([a-z ]+)`, one short write; `start` and `end` are seconds since the epoch");
        var table = Manual.Find(prose, @"its task table is `logs/shell-<pid>/([^`]+)`").Groups[1].Value;
        var tableIndex = Manual.Find(Manual.Item("docs/sweeps.md", "**The task table**").Prose, @"`TABLE` holds every task's argv, each argument ended by a NUL byte; `TABLE(\.[a-z]+)` has").Groups[1].Value;
        using var project = new TempProject(Config);

        var key = await RunAndWait(project, "job", "run", "--repeat", "2", "--", "sh", "-c", "echo \"task $FLEPIMOP2_TASK_INDEX\"; exit $((FLEPIMOP2_TASK_INDEX + 3))");

        var directory = project.Combine(".flepimop2_cache", "job", "logs", key);
        Assert.Equal("task 1\n", await File.ReadAllTextAsync(Path.Combine(directory, log.Replace("<i>", "1", StringComparison.Ordinal))));
        Assert.True(File.Exists(Path.Combine(directory, table)), table);
        Assert.True(File.Exists(Path.Combine(directory, table + tableIndex)), table + tableIndex);
        var names = results.Groups[2].Value.Split(' ');
        var lines = (await File.ReadAllLinesAsync(Path.Combine(directory, results.Groups[1].Value))).Select(l => names.Zip(l.Split(' ')).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.Equal(["i", "code", "start", "end"], names);
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.Equal(names.Length, line.Count));
        Assert.Equal(["0 3", "1 4"], lines.Select(l => $"{l["i"]} {l["code"]}").Order(StringComparer.Ordinal));
        Assert.All(lines, l => Assert.True(double.Parse(l["start"], CultureInfo.InvariantCulture) <= double.Parse(l["end"], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_sweep_is_stored_with_the_fields_the_manual_states()
    {
        var prose = Manual.Item("docs/sweeps.md", "In the store a sweep is one handle file").Prose;
        var sweepKeys = Manual.Find(prose, @"metadata `sweep: \{([a-z_, ]+)\}`").Groups[1].Value.Split(", ");
        var summaryField = Manual.Find(prose, @"one summary entry with an extra `([a-z_]+)` field of counts").Groups[1].Value;
        using var project = new TempProject(Config);

        var key = await RunAndWait(project, "job", "run", "--repeat", "2", "--", "true");

        var handle = JsonNode.Parse(await File.ReadAllTextAsync(project.Combine(".flepimop2_cache", "job", "handles", key + ".json")))!;
        var summary = JsonNode.Parse(await File.ReadAllTextAsync(project.Combine(".flepimop2_cache", "job", "summary.json")))!.AsArray().Single()!;
        Assert.Equal(["max_parallel", "tasks"], handle["handle"]!["metadata"]!["sweep"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["max_parallel", "tasks"], sweepKeys.Order(StringComparer.Ordinal));
        var counts = summary[summaryField]!.AsObject();
        Assert.Equal(2, counts["total"]!.GetValue<int>());
        Assert.All(counts, c => Assert.True(c.Value!.GetValue<int>() >= 0));
    }

    [Fact]
    public async Task Watch_prints_json_lines_with_the_fields_of_the_manual_example()
    {
        var example = Manual.Item("docs/command-line.md", "`job watch` follows the jobs it is given").Code.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        using var project = new TempProject(Config);
        var key = await RunAndWait(project, "job", "run", "--repeat", "3", "--", "true");

        var watch = await project.Run("job", "watch", key, "--json");

        var line = JsonNode.Parse(Assert.Single(watch.StdoutLines))!.AsObject();
        Assert.NotEmpty(example);
        Assert.All(example, e => Assert.Equal(Fields(e), Fields(line)));
        Assert.All(example, e => Assert.Equal(Fields(e["tasks"]!.AsObject()), Fields(line["tasks"]!.AsObject())));
    }

    private static List<string> Fields(JsonObject json) => [.. json.Select(p => p.Key)];

    private static async Task<string> RunAndWait(TempProject project, params string[] args)
    {
        var submit = await project.Run(args);
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var key = submit.StdoutLines[^1].Split(' ')[0];
        var wait = await project.Run("job", "wait", key, "--timeout", "60");
        Assert.True(wait.StdoutLines.Length == 1, wait.ToString());
        return key;
    }
}
