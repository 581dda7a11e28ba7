using System.Globalization;
using System.Text;
using Flepimop2.Internal;

namespace Flepimop2.Sweeps;

/// <summary>
/// The argument lists of a sweep's tasks, written so that a script reads each exactly, with nothing interpreted. Two
/// files: the table itself, every task's argv in order with each argument followed by a NUL byte (which no argument can
/// contain), and <c>TABLE.index</c>, one line of <see cref="IndexLineLength"/> bytes per task,
/// <c>OFFSET LENGTH COUNT INDEX</c> (eleven, eleven, seven and seven digits) naming the task's bytes in the table, its
/// number of arguments, and the <c>FLEPIMOP2_TASK_INDEX</c> it runs with (its position, unless a retry of some tasks of a
/// sweep keeps their first indices). A Slurm array task finds task <c>i</c>'s line at byte <c>i * 40</c> and its bytes at <c>OFFSET</c>, both with
/// <c>tail -c +N | head -c N</c> (a seek, not a scan); the shell supervisor, which takes the tasks in order, reads both
/// files straight through. Either reads the arguments with <c>mapfile -d ''</c>: no eval, no word splitting, no quoting. Two files however many tasks:
/// a cluster's shared filesystem counts files against a quota, and creating thousands of them is slow.
/// The Slurm array script reads it through <see cref="BashReader"/>, the shell supervisor through <see cref="BashSequentialReader"/>.
/// </summary>
internal static class TaskTable
{
    /// <summary>The environment variable that tells a task its index, from 0.</summary>
    public const string IndexVariable = "FLEPIMOP2_TASK_INDEX";

    /// <summary>The environment variable that tells a task how many tasks the sweep has.</summary>
    public const string CountVariable = "FLEPIMOP2_TASK_COUNT";

    /// <summary>Bytes per line of the index: <c>OFFSET LENGTH COUNT INDEX</c> (11, 11, 7 and 7 digits), three spaces and a newline.</summary>
    public const int IndexLineLength = 40;

    /// <summary>The most arguments one task may have (what seven digits hold).</summary>
    public const int MaxArguments = 9_999_999;

    /// <summary>
    /// A bash function, <c>flepimop2_task_argv TABLE POSITION</c>, that sets the array <c>flepimop2_argv</c> to the task's argv
    /// and <c>flepimop2_index</c> to its task index, and fails (status 1) when the table cannot be read, the index line is not
    /// well formed, or the task has no arguments.
    /// </summary>
    public const string BashReader =
        "flepimop2_task_argv() {\n" +
        "  local line offset length count\n" +
        "  flepimop2_argv=()\n" +
        "  line=$(tail -c \"+$(($2 * 40 + 1))\" -- \"$1.index\" 2>/dev/null | head -c 40) || return 1\n" +
        "  [[ $line =~ ^([0-9]{11})\\ ([0-9]{11})\\ ([0-9]{7})\\ ([0-9]{7})$ ]] || return 1\n" +
        "  offset=$((10#${BASH_REMATCH[1]})) length=$((10#${BASH_REMATCH[2]})) count=$((10#${BASH_REMATCH[3]})) flepimop2_index=$((10#${BASH_REMATCH[4]}))\n" +
        "  (( count > 0 )) || return 1\n" +
        "  mapfile -d '' flepimop2_argv < <(tail -c \"+$((offset + 1))\" -- \"$1\" 2>/dev/null | head -c \"$length\")\n" +
        "  (( ${#flepimop2_argv[@]} == count ))\n" +
        "}\n";

    /// <summary>
    /// A bash function, <c>flepimop2_next_task_argv TABLE_FD INDEX_FD</c>, that reads the next task from both files, open
    /// on those descriptors and read in order, into <c>flepimop2_argv</c> (and its task index into <c>flepimop2_index</c>); it
    /// fails when either is damaged or at its end.
    /// </summary>
    public const string BashSequentialReader =
        "flepimop2_next_task_argv() {\n" +
        "  local line\n" +
        "  flepimop2_argv=()\n" +
        "  IFS= read -r -u \"$2\" line || return 1\n" +
        "  [[ $line =~ ^[0-9]{11}\\ [0-9]{11}\\ ([0-9]{7})\\ ([0-9]{7})$ ]] || return 1\n" +
        "  local count=$((10#${BASH_REMATCH[1]}))\n" +
        "  flepimop2_index=$((10#${BASH_REMATCH[2]}))\n" +
        "  (( count > 0 )) || return 1\n" +
        "  mapfile -d '' -n \"$count\" -u \"$1\" flepimop2_argv\n" +
        "  (( ${#flepimop2_argv[@]} == count ))\n" +
        "}\n";

    /// <summary>
    /// Writes the table and its index, neither of which may exist yet (nothing reads them before the sweep is started,
    /// which happens only once both are written). Each is written to a temporary name and linked to its own, and a failure
    /// (a full disk) leaves neither: a table cut short never stays to fill the disk.
    /// </summary>
    /// <exception cref="ArgumentException">An argument holds a NUL character, which no process can receive.</exception>
    /// <exception cref="JobStoreException">A file exists already, or could not be written; the message names it.</exception>
    /// <param name="path">The table; its index is <c>PATH.index</c>.</param>
    /// <param name="tasks">Each task's argv.</param>
    /// <param name="indices">Each task's <c>FLEPIMOP2_TASK_INDEX</c>; its position when null.</param>
    public static void Write(string path, IReadOnlyList<IReadOnlyList<string>> tasks, IReadOnlyList<int>? indices = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tasks);
        var table = new MemoryStream();
        var index = new StringBuilder(tasks.Count * IndexLineLength);
        for (var position = 0; position < tasks.Count; position++)
        {
            var argv = tasks[position];
            var bytes = Encode(argv);
            if (argv.Count > MaxArguments)
            {
                throw new ArgumentException($"a task has {argv.Count} arguments; at most {MaxArguments}", nameof(tasks));
            }

            index.Append(CultureInfo.InvariantCulture, $"{table.Length:D11} {bytes.Length:D11} {argv.Count:D7} {indices?[position] ?? position:D7}\n");
            table.Write(bytes);
        }

        WriteNew(path, table.GetBuffer(), (int)table.Length);
        try
        {
            var indexBytes = Encoding.ASCII.GetBytes(index.ToString());
            WriteNew(IndexPath(path), indexBytes, indexBytes.Length);
        }
        catch
        {
            // Removing needs no space: a full disk that stopped the index does not keep the table.
            File.Delete(path);
            throw;
        }
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
        using var table = File.OpenHandle(path);
        return TryRead(table, index, task) is { } entry
            ? entry.Argv
            : throw new InvalidDataException($"{IndexPath(path)} has no well-formed entry for task {task}, or it points outside {path}");
    }

    /// <summary>
    /// Task <paramref name="task"/>'s argv and <c>FLEPIMOP2_TASK_INDEX</c> from open table and index files; null, as the
    /// scripts' readers fail, when its index line is not well formed, it has no arguments, or its bytes are not all there.
    /// </summary>
    /// <exception cref="IOException">A file could not be read.</exception>
    public static (IReadOnlyList<string> Argv, int Index)? TryRead(Microsoft.Win32.SafeHandles.SafeFileHandle table, Microsoft.Win32.SafeHandles.SafeFileHandle index, int task)
    {
        var line = new byte[IndexLineLength];
        if (task < 0
            || RandomAccess.Read(index, line, (long)task * IndexLineLength) != IndexLineLength
            || line[11] != ' ' || line[23] != ' ' || line[31] != ' ' || line[39] != '\n'
            || !long.TryParse(line.AsSpan(0, 11), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !int.TryParse(line.AsSpan(12, 11), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || !int.TryParse(line.AsSpan(24, 7), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !int.TryParse(line.AsSpan(32, 7), NumberStyles.None, CultureInfo.InvariantCulture, out var taskIndex)
            || count == 0
            || offset + length > RandomAccess.GetLength(table))
        {
            return null;
        }

        var bytes = new byte[length];
        var argv = RandomAccess.Read(table, bytes, offset) == length ? Decode(bytes) : [];
        return argv.Count == count ? (argv, taskIndex) : null;
    }

    private static void WriteNew(string path, byte[] buffer, int length) =>
        DiskWrites.Run(path, () =>
        {
            if (!AtomicFile.TryCreate(path, buffer.AsSpan(0, length)))
            {
                throw new IOException($"'{path}' exists already");
            }
        });
}
