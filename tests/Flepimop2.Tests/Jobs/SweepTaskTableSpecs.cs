using System.Diagnostics;
using System.Text;
using Flepimop2.Sweeps;
using Flepimop2.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Flepimop2.Tests.Jobs;

/// <summary>The task table: every task's argv written NUL-terminated, one file per task, read back exactly.</summary>
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

    [Property(MaxTest = 500)]
    public Property Any_argv_without_nul_decodes_back_exactly() =>
        Prop.ForAll(Argvs().ToArbitrary(), argv => TaskTable.Decode(TaskTable.Encode(argv)).SequenceEqual(argv, StringComparer.Ordinal));

    [Property(MaxTest = 300)]
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
    public void A_table_with_a_nul_anywhere_is_refused_before_its_directory_is_made()
    {
        var table = _temp.Combine("table");

        var error = Assert.Throws<ArgumentException>(() => TaskTable.Write(table, [["ok"], ["fine"], ["bad\0"]]));

        Assert.Equal("argv", error.ParamName);
        Assert.False(Directory.Exists(table));
    }

    [Fact]
    public void A_table_is_one_file_per_task_named_by_its_index_holding_its_encoded_argv()
    {
        var table = _temp.Combine("table");
        IReadOnlyList<IReadOnlyList<string>> tasks = [.. Enumerable.Range(0, 12).Select(i => (IReadOnlyList<string>)["/bin/prog", "run", $"--n={i}", i % 3 == 0 ? string.Empty : "é x"])];

        TaskTable.Write(table, tasks);

        Assert.Equal(
            Enumerable.Range(0, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(table).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        for (var i = 0; i < tasks.Count; i++)
        {
            var bytes = File.ReadAllBytes(Path.Combine(table, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(TaskTable.Encode(tasks[i]), bytes);
            Assert.Equal(tasks[i], TaskTable.Decode(bytes));
        }
    }

    [Fact]
    public void A_table_is_never_written_into_a_directory_that_exists()
    {
        var table = _temp.Combine("table");
        Directory.CreateDirectory(table);
        File.WriteAllText(Path.Combine(table, "0"), "kept");

        var error = Assert.Throws<IOException>(() => TaskTable.Write(table, [["a"], ["b"]]));

        Assert.Equal($"the task table {table} exists already", error.Message);
        Assert.Equal(["0"], Directory.GetFileSystemEntries(table).Select(Path.GetFileName));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(table, "0")));
    }

    [Fact]
    public void A_table_of_no_tasks_is_an_empty_directory_and_a_missing_list_is_an_argument_error()
    {
        var table = _temp.Combine("table");

        TaskTable.Write(table, []);

        Assert.Empty(Directory.GetFileSystemEntries(table));
        Assert.Throws<ArgumentNullException>(() => TaskTable.Write(_temp.Combine("other"), null!));
        Assert.Throws<ArgumentNullException>(() => TaskTable.Encode(null!));
    }

    [Fact]
    public void Bash_reads_every_tasks_argv_back_exactly_as_the_supervisor_does()
    {
        // The supervisor reads a task with mapfile -d '' and runs "${argv[@]}": here each is printed back NUL-terminated.
        var table = _temp.Combine("table");
        var argvs = Argvs().Where(a => a.Length > 0).Sample(40).Append(["", "", "x"]).Append(["line\nbreak", "trailing\n", "\n"]).Append(["-n", "-e", "--"]).ToList();
        TaskTable.Write(table, [.. argvs.Select(a => (IReadOnlyList<string>)a)]);
        const string Script = "for ((i = 0; i < $2; i++)); do mapfile -d '' argv <\"$1/$i\"; printf '%s\\0' \"${#argv[@]}\" \"${argv[@]}\"; done";

        var start = new ProcessStartInfo("bash", ["-c", Script, "bash", table, argvs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEnd();
        Assert.True(bash.WaitForExit(30_000), "bash did not end within 30 s");

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
