using System.Diagnostics;
using System.Text;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Flepimop2.Tests.Jobs;

/// <summary>The task table: every task's argv written NUL-terminated into one file with a fixed-width index, read back exactly.</summary>
public sealed class SweepTaskTableSpecs : IDisposable
{
    private static readonly string[] Pieces =
        [" ", "\t", "\n", "\r", "'", "\"", "$", "`", ";", "*", "?", "\\", "-", "=", "a", "Z", "0", "é", "–", "ü", "√", "\u00a0", "\u2028", "\u001b", "\u007f", "😀", "𝄞", "中文"];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Any text without NUL that a process can receive: any character but NUL and lone surrogates, and surrogate pairs.</summary>
    private static Gen<string> Arguments() =>
        Gen.OneOf(
            Gen.Elements(Pieces),
            Gen.Choose(1, 0xD7FF).Select(c => ((char)c).ToString()),
            Gen.Choose(0xE000, 0xFFFF).Select(c => ((char)c).ToString()),
            Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32))
        .ListOf().Select(string.Concat);

    private static Gen<string[]> Argvs() => Arguments().ArrayOf();

    [SeededProperty(MaxTest = 500)]
    public Property Any_argv_without_nul_decodes_back_exactly() =>
        Prop.ForAll(Argvs().ToArbitrary(), argv => TaskTable.Decode(TaskTable.Encode(argv)).SequenceEqual(argv, StringComparer.Ordinal));

    [SeededProperty(MaxTest = 300)]
    public Property Every_argument_ends_with_one_nul_and_holds_no_other() =>
        Prop.ForAll(Argvs().ToArbitrary(), argv =>
        {
            var bytes = TaskTable.Encode(argv);
            return bytes.Count(b => b == 0) == argv.Length && (argv.Length == 0 ? bytes.Length == 0 : bytes[^1] == 0);
        });

    [Fact]
    public void Empty_arguments_and_an_empty_argv_are_kept_apart()
    {
        string[][] cases = [[], [string.Empty], [string.Empty, string.Empty], ["a", string.Empty], [string.Empty, "a"], ["a", string.Empty, string.Empty]];

        foreach (var argv in cases)
        {
            Assert.Equal(argv, TaskTable.Decode(TaskTable.Encode(argv)));
        }

        Assert.Empty(TaskTable.Encode([]));
        Assert.Equal([0], TaskTable.Encode([string.Empty]));
    }

    [Fact]
    public void An_argv_is_written_as_utf8_with_a_nul_after_every_argument()
    {
        Assert.Equal([(byte)'a', 0, 0, 0xC3, 0xA9, 0, (byte)'x', (byte)' ', (byte)'y', 0], TaskTable.Encode(["a", string.Empty, "é", "x y"]));
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("a\0")]
    [InlineData("\0b")]
    [InlineData("a\0b")]
    public void An_argument_with_a_nul_is_refused(string argument)
    {
        var error = Assert.Throws<ArgumentException>(() => TaskTable.Encode(["ok", argument]));

        Assert.Equal("argv", error.ParamName);
        Assert.Equal("an argument holds a NUL character, which no process can receive (Parameter 'argv')", error.Message);
    }

    [Fact]
    public void A_table_with_a_nul_anywhere_is_refused_before_anything_is_written()
    {
        var table = _temp.Combine("table");

        var error = Assert.Throws<ArgumentException>(() => TaskTable.Write(table, [["ok"], ["fine"], ["bad\0"]]));

        Assert.Equal("argv", error.ParamName);
        Assert.False(File.Exists(table));
        Assert.False(File.Exists(TaskTable.IndexPath(table)));
    }

    [Fact]
    public void A_table_is_every_argv_in_order_and_an_index_of_fixed_width_lines_naming_each_ones_bytes()
    {
        var table = _temp.Combine("table");
        IReadOnlyList<IReadOnlyList<string>> tasks = [.. Enumerable.Range(0, 12).Select(i => (IReadOnlyList<string>)["/bin/prog", "run", $"--n={i}", i % 3 == 0 ? string.Empty : "é x"])];

        TaskTable.Write(table, tasks);

        var encoded = tasks.Select(TaskTable.Encode).ToList();
        Assert.Equal(encoded.SelectMany(b => b), File.ReadAllBytes(table));
        var offsets = encoded.Select((b, i) => encoded.Take(i).Sum(e => e.Length)).ToList();
        Assert.Equal(
            string.Concat(encoded.Select((b, i) => $"{offsets[i]:D11} {b.Length:D11} {tasks[i].Count:D7} {i:D7}\n")),
            File.ReadAllText(TaskTable.IndexPath(table)));
        Assert.Equal(12 * TaskTable.IndexLineLength, new FileInfo(TaskTable.IndexPath(table)).Length);
        for (var i = 0; i < tasks.Count; i++)
        {
            Assert.Equal(tasks[i], TaskTable.Read(table, i));
        }

        Assert.Throws<InvalidDataException>(() => TaskTable.Read(table, 12));
    }

    [Fact]
    public void A_table_is_never_written_over_a_file_that_exists()
    {
        var table = _temp.Combine("table");
        File.WriteAllText(table, "kept");

        var error = Assert.Throws<JobStoreException>(() => TaskTable.Write(table, [["a"], ["b"]]));

        Assert.Equal(table, error.Path);
        Assert.Equal("kept", File.ReadAllText(table));
        Assert.False(File.Exists(TaskTable.IndexPath(table)));
    }

    [Fact]
    [Trait(Needs.Trait, Needs.Root)]
    public void A_table_or_an_index_the_disk_cannot_hold_leaves_neither_file_and_the_error_names_the_one_it_could_not_write()
    {
        using var disk = SmallDisk.Mount(1024);
        var big = Enumerable.Range(0, 6000).Select(i => (IReadOnlyList<string>)["task", new string('x', 200)]).ToList();
        var small = Enumerable.Range(0, 6000).Select(i => (IReadOnlyList<string>)["t"]).ToList();
        File.WriteAllBytes(disk.Combine("filler"), new byte[(1024 - 200) * 1024]);

        // The table (6000 x 207 bytes) does not fit; then the table fits and its index (6000 x 40 bytes) does not.
        var table = Assert.Throws<JobStoreException>(() => TaskTable.Write(disk.Combine("big"), big));
        var index = Assert.Throws<JobStoreException>(() => TaskTable.Write(disk.Combine("small"), small));

        Assert.Equal(disk.Combine("big"), table.Path);
        Assert.Equal(TaskTable.IndexPath(disk.Combine("small")), index.Path);
        Assert.All([table, index], e => Assert.Contains("the disk is full (ENOSPC", e.Message, StringComparison.Ordinal));
        Assert.Equal([disk.Combine("filler")], Directory.GetFiles(disk.Path));
    }

    [Fact]
    public void A_table_of_no_tasks_is_two_empty_files_and_a_missing_list_is_an_argument_error()
    {
        var table = _temp.Combine("table");

        TaskTable.Write(table, []);

        Assert.Equal(0, new FileInfo(table).Length);
        Assert.Equal(0, new FileInfo(TaskTable.IndexPath(table)).Length);
        Assert.Throws<ArgumentNullException>(() => TaskTable.Write(_temp.Combine("other"), null!));
        Assert.Throws<ArgumentNullException>(() => TaskTable.Encode(null!));
    }

    [Fact]
    public void Bash_reads_every_tasks_argv_back_exactly_through_the_scripts_random_access_reader_and_refuses_a_damaged_index()
    {
        // Both scripts read a task with flepimop2_task_argv and run "${flepimop2_argv[@]}": here each is printed back NUL-terminated.
        var table = _temp.Combine("table");
        var argvs = Argvs().Where(a => a.Length > 0).SampleSeeded(40).Append(["", "", "x"]).Append(["line\nbreak", "trailing\n", "\n"]).Append(["-n", "-e", "--"]).ToList();
        TaskTable.Write(table, [.. argvs.Select(a => (IReadOnlyList<string>)a)]);
        var script = TaskTable.BashReader +
            "for ((i = 0; i < $2; i++)); do flepimop2_task_argv \"$1\" \"$i\" || exit 9; printf '%s\\0' \"${#flepimop2_argv[@]}\" \"${flepimop2_argv[@]}\"; done\n" +
            "flepimop2_task_argv \"$1\" \"$2\" && exit 10\n" +
            "printf 'garbage line, not digits\\n' > \"$1.index\"; flepimop2_task_argv \"$1\" 0 && exit 11\n" +
            "exit 0\n";

        var start = new ProcessStartInfo("bash", ["-c", script, "bash", table, argvs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEnd();
        Assert.True(bash.WaitForExit(60_000), "bash did not end within 60 s");

        Assert.Equal(0, bash.ExitCode);
        var fields = new Queue<string>(output.Split('\0')[..^1]);
        foreach (var argv in argvs)
        {
            var count = int.Parse(fields.Dequeue(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(argv, Enumerable.Range(0, count).Select(_ => fields.Dequeue()));
        }

        Assert.Empty(fields);
    }

    [Fact]
    public void Bash_reads_every_tasks_argv_back_exactly_through_the_supervisors_sequential_reader()
    {
        var table = _temp.Combine("table");
        var argvs = Argvs().Where(a => a.Length > 0).SampleSeeded(40).Append(["", "", "x"]).Append(["line\nbreak", "trailing\n", "\n"]).Append(["-n", "-e", "--"]).ToList();
        TaskTable.Write(table, [.. argvs.Select(a => (IReadOnlyList<string>)a)]);
        var script = TaskTable.BashSequentialReader +
            "exec {t}<\"$1\" {x}<\"$1.index\"\n" +
            "for ((i = 0; i < $2; i++)); do flepimop2_next_task_argv \"$t\" \"$x\" || exit 9; printf '%s\\0' \"${#flepimop2_argv[@]}\" \"${flepimop2_argv[@]}\"; done\n" +
            "flepimop2_next_task_argv \"$t\" \"$x\" && exit 10\n" +
            "exit 0\n";

        var start = new ProcessStartInfo("bash", ["-c", script, "bash", table, argvs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEnd();
        Assert.True(bash.WaitForExit(60_000), "bash did not end within 60 s");

        Assert.Equal(0, bash.ExitCode);
        var fields = new Queue<string>(output.Split('\0')[..^1]);
        foreach (var argv in argvs)
        {
            var count = int.Parse(fields.Dequeue(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(argv, Enumerable.Range(0, count).Select(_ => fields.Dequeue()));
        }

        Assert.Empty(fields);
    }
}
