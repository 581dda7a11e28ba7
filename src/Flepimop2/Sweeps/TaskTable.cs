using System.Globalization;
using System.Text;

namespace Flepimop2.Sweeps;

/// <summary>
/// The argument lists of a sweep's tasks, written so that a script reads each exactly, with nothing interpreted. Two
/// files: the table itself, every task's argv in order with each argument followed by a NUL byte (which no argument can
/// contain), and <c>TABLE.index</c>, one line of <see cref="IndexLineLength"/> bytes per task,
/// <c>OFFSET LENGTH</c> (eleven digits each) naming the task's bytes in the table. A script finds task <c>i</c>'s line at
/// byte <c>i * 24</c> and its bytes at <c>OFFSET</c>, both with <c>tail -c +N | head -c N</c> (a seek, not a scan), and
/// reads the arguments with <c>mapfile -d ''</c>: no eval, no word splitting, no quoting. Two files however many tasks:
/// a cluster's shared filesystem counts files against a quota, and creating thousands of them is slow.
/// Both the shell supervisor and the Slurm array script read it through <see cref="BashReader"/>.
/// </summary>
internal static class TaskTable
{
    /// <summary>The environment variable that tells a task its index, from 0.</summary>
    public const string IndexVariable = "FLEPIMOP2_TASK_INDEX";

    /// <summary>The environment variable that tells a task how many tasks the sweep has.</summary>
    public const string CountVariable = "FLEPIMOP2_TASK_COUNT";

    /// <summary>Bytes per line of the index: two eleven-digit numbers, a space and a newline.</summary>
    public const int IndexLineLength = 24;

    /// <summary>
    /// A bash function, <c>flepimop2_task_argv TABLE INDEX</c>, that sets the array <c>flepimop2_argv</c> to the task's argv
    /// and fails (status 1) when the table cannot be read, the index line is not well formed, or the task has no arguments.
    /// </summary>
    public const string BashReader =
        "flepimop2_task_argv() {\n" +
        "  local line offset length\n" +
        "  flepimop2_argv=()\n" +
        "  line=$(tail -c \"+$(($2 * 24 + 1))\" -- \"$1.index\" 2>/dev/null | head -c 24) || return 1\n" +
        "  [[ $line =~ ^([0-9]{11})\\ ([0-9]{11})$ ]] || return 1\n" +
        "  offset=$((10#${BASH_REMATCH[1]})) length=$((10#${BASH_REMATCH[2]}))\n" +
        "  (( length > 0 )) || return 1\n" +
        "  mapfile -d '' flepimop2_argv < <(tail -c \"+$((offset + 1))\" -- \"$1\" 2>/dev/null | head -c \"$length\")\n" +
        "  (( ${#flepimop2_argv[@]} > 0 ))\n" +
        "}\n";

    /// <summary>
    /// Writes the table and its index, neither of which may exist yet (nothing reads them before the sweep is started,
    /// which happens only once both are written).
    /// </summary>
    /// <exception cref="ArgumentException">An argument holds a NUL character, which no process can receive.</exception>
    /// <exception cref="IOException">A file exists already, or could not be written.</exception>
    public static void Write(string path, IReadOnlyList<IReadOnlyList<string>> tasks)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tasks);
        var table = new MemoryStream();
        var index = new StringBuilder(tasks.Count * IndexLineLength);
        foreach (var argv in tasks)
        {
            var bytes = Encode(argv);
            index.Append(CultureInfo.InvariantCulture, $"{table.Length:D11} {bytes.Length:D11}\n");
            table.Write(bytes);
        }

        WriteNew(path, table.GetBuffer().AsSpan(0, (int)table.Length));
        WriteNew(IndexPath(path), Encoding.ASCII.GetBytes(index.ToString()));
    }

    /// <summary>The index file of a table.</summary>
    public static string IndexPath(string path) => path + ".index";

    /// <summary>One task's bytes: every argument followed by a NUL.</summary>
    public static byte[] Encode(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var text = new StringBuilder();
        foreach (var arg in argv)
        {
            if (arg.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("an argument holds a NUL character, which no process can receive", nameof(argv));
            }

            text.Append(arg).Append('\0');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>One task's bytes read back into its argv (every argument ends with a NUL; trailing bytes without one are dropped).</summary>
    public static IReadOnlyList<string> Decode(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.LastIndexOf('\0');
        return end < 0 ? [] : text[..end].Split('\0');
    }

    /// <summary>Reads task <paramref name="task"/> of a written table, as the scripts do (for tests and dry runs).</summary>
    /// <exception cref="InvalidDataException">The index has no well-formed line for the task, or it points outside the table.</exception>
    public static IReadOnlyList<string> Read(string path, int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        using var index = File.OpenHandle(IndexPath(path));
        var line = new byte[IndexLineLength];
        if (RandomAccess.Read(index, line, (long)task * IndexLineLength) != IndexLineLength
            || !long.TryParse(line.AsSpan(0, 11), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !int.TryParse(line.AsSpan(12, 11), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new InvalidDataException($"{IndexPath(path)} has no entry for task {task}");
        }

        using var table = File.OpenHandle(path);
        var bytes = new byte[length];
        return RandomAccess.Read(table, bytes, offset) == length
            ? Decode(bytes)
            : throw new InvalidDataException($"{IndexPath(path)} points task {task} outside {path}");
    }

    private static void WriteNew(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(file, bytes, 0);
    }
}
