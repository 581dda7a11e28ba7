using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flepimop2.Internal;
using Flepimop2.Jobs;
using Flepimop2.Store;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests;

/// <summary>
/// Formats on disk as the manual states them, held to the code that writes them: the task table (its fields, their
/// widths, the line length, where a task's line is, and an example, against <see cref="TaskTable.Write"/>; docs/sweeps.md),
/// the names of temporary files, and how a save appends to the summary (docs/store.md). The manual cannot change without
/// the code, nor the code without the manual. (The files real shell jobs leave are held to it in the command line's tests.)
/// </summary>
public sealed class ManualFormatSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static readonly (string Prose, IReadOnlyList<string> Code) Item = Manual.Item("docs/sweeps.md", "**The task table**");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_manual_states_the_index_line_the_code_writes()
    {
        var length = int.Parse(Manual.Find(Item.Prose, @"has one line of (\d+) bytes per task").Groups[1].Value, CultureInfo.InvariantCulture);
        var fields = Manual.Find(Item.Prose, @"`([A-Z]+(?: [A-Z]+)+)` \((\d+(?:, \d+)*) and (\d+) digits, a space between, a newline at the end\)");
        var names = fields.Groups[1].Value.Split(' ');
        var widths = fields.Groups[2].Value.Split(", ").Append(fields.Groups[3].Value).Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList();
        var stride = int.Parse(Manual.Find(Item.Prose, @"finds task `i`'s line at byte `(\d+) i` of the index").Groups[1].Value, CultureInfo.InvariantCulture);
        var table = _temp.Combine("TABLE");

        TaskTable.Write(table, [["a"], ["b", "c"]], [7, 9]);

        var lines = File.ReadAllText(TaskTable.IndexPath(table)).Split('\n')[..^1];
        Assert.Equal(["OFFSET", "LENGTH", "COUNT", "INDEX"], names);
        Assert.Equal(TaskTable.IndexLineLength, length);
        Assert.Equal(length, stride);
        Assert.Equal(length, widths.Sum() + names.Length);
        Assert.All(lines, line => Assert.Equal(widths, line.Split(' ').Select(f => f.Length)));
        Assert.Equal(2 * length, new FileInfo(TaskTable.IndexPath(table)).Length);
        Assert.Equal(["0", "2", "1", "7"], lines[0].Split(' ').Select(f => f.TrimStart('0').PadLeft(1, '0')));
        Assert.Equal(["2", "4", "2", "9"], lines[1].Split(' ').Select(f => f.TrimStart('0').PadLeft(1, '0')));
    }

    [Fact]
    public void The_manual_example_is_what_the_code_writes_for_its_tasks()
    {
        var tasks = Manual.Find(Item.Prose, @"The tasks `([^`]+)` and `([^`]+)` make:").Groups.Values.Skip(1).Select(g => (IReadOnlyList<string>)g.Value.Split(' ')).ToList();
        var code = Item.Code.ToList();
        var tableText = Assert.Single(code, l => l.StartsWith("TABLE ", StringComparison.Ordinal))["TABLE".Length..].Trim();
        var indexStart = code.FindIndex(l => l.StartsWith("TABLE.index ", StringComparison.Ordinal));
        var index = code.Skip(indexStart).Select((l, i) => (i == 0 ? l["TABLE.index".Length..] : l).Trim() + "\n");
        var table = _temp.Combine("TABLE");

        TaskTable.Write(table, tasks);

        Assert.Equal(Encoding.UTF8.GetBytes(tableText.Replace("\\0", "\0", StringComparison.Ordinal)), File.ReadAllBytes(table));
        Assert.Equal(string.Concat(index), File.ReadAllText(TaskTable.IndexPath(table)));
        Assert.Equal([["echo", "hi"], ["touch", "done"]], [.. Enumerable.Range(0, 2).Select(i => TaskTable.Read(table, i))]);
    }

    [Fact]
    public void A_temporary_file_named_as_the_manual_says_is_taken_for_one()
    {
        var pattern = Manual.Find(Manual.Item("docs/store.md", "**Crashes.**").Prose, @"A temporary file \(`(<name>\.<pid>\.<32 hex digits>\.tmp)`\)").Groups[1].Value;

        var name = pattern.Replace("<name>", "summary.json", StringComparison.Ordinal).Replace("<pid>", "4211", StringComparison.Ordinal).Replace("<32 hex digits>", "0123456789abcdef0123456789abcdef", StringComparison.Ordinal);

        Assert.True(AtomicFile.IsTemporaryName(name), name);
        Assert.False(AtomicFile.IsTemporaryName(name.Replace(".4211.", ".", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_save_appends_to_the_summary_as_the_manual_says()
    {
        var write = Manual.Find(Manual.Item("docs/store.md", "**Constant-cost saves").Prose, @"a save appends its entry by writing `([^`]+)` over the closing `([^`]+)` of `summary.json`");
        var appended = write.Groups[1].Value.Replace("\\n", "\n", StringComparison.Ordinal);
        var closing = write.Groups[2].Value.Replace("\\n", "\n", StringComparison.Ordinal);
        var store = JobStore.ForDirectory(_temp.Path);
        store.Save(new JobHandle("1", "shell", DateTimeOffset.UtcNow), new JsonObject { ["module"] = "flepimop2.job.shell" });
        var before = File.ReadAllText(store.SummaryPath);

        store.Save(new JobHandle("2", "shell", DateTimeOffset.UtcNow), new JsonObject { ["module"] = "flepimop2.job.shell" });

        var after = File.ReadAllText(store.SummaryPath);
        var (head, tail) = (appended[..appended.IndexOf("{entry}", StringComparison.Ordinal)], appended[(appended.IndexOf("{entry}", StringComparison.Ordinal) + "{entry}".Length)..]);
        var added = after[(before.Length - closing.Length)..];
        Assert.EndsWith(closing, before, StringComparison.Ordinal);
        Assert.StartsWith(before[..^closing.Length] + head, after, StringComparison.Ordinal);
        Assert.EndsWith(tail, after, StringComparison.Ordinal);
        var entry = added[head.Length..^tail.Length];
        Assert.Equal("shell-2", JsonNode.Parse(entry)!["key"]!.GetValue<string>());
        Assert.Equal(2, JsonNode.Parse(after)!.AsArray().Count);
    }
}
