using System.Globalization;
using System.Text;

namespace Flepimop2.Sweeps;

/// <summary>
/// The argument lists of a sweep's tasks, written so that a script reads each exactly, with nothing interpreted: one file
/// per task, named by its index, holding the task's argv with every argument followed by a NUL byte (which no argument can
/// contain). Bash reads one with <c>mapfile -d '' argv &lt; "$table/$i"</c>; no <c>eval</c>, no word splitting, no quoting.
/// Both the shell supervisor and the Slurm array script read the same table.
/// </summary>
internal static class TaskTable
{
    /// <summary>The environment variable that tells a task its index, from 0.</summary>
    public const string IndexVariable = "FLEPIMOP2_TASK_INDEX";

    /// <summary>The environment variable that tells a task how many tasks the sweep has.</summary>
    public const string CountVariable = "FLEPIMOP2_TASK_COUNT";

    /// <summary>
    /// Writes the table into a directory that must not exist yet. Files are written in place, not renamed into place: nothing
    /// reads the table before the sweep is started, which happens only once every file is written.
    /// </summary>
    /// <exception cref="ArgumentException">An argument holds a NUL character, which no process can receive.</exception>
    /// <exception cref="IOException">The directory exists already, or a file could not be written.</exception>
    public static void Write(string directory, IReadOnlyList<IReadOnlyList<string>> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var encoded = tasks.Select(Encode).ToList();
        if (Directory.Exists(directory))
        {
            throw new IOException($"the task table {directory} exists already");
        }

        Directory.CreateDirectory(directory);
        for (var i = 0; i < encoded.Count; i++)
        {
            // A bare handle: a FileStream with FileShare.None would also take a lock per file, ten times the cost of the write.
            using var file = File.OpenHandle(Path.Combine(directory, i.ToString(CultureInfo.InvariantCulture)), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
            RandomAccess.Write(file, encoded[i], 0);
        }
    }

    /// <summary>One task's file: every argument followed by a NUL.</summary>
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

    /// <summary>Reads one task's file back (for tests and dry runs).</summary>
    public static IReadOnlyList<string> Decode(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        return text.Length == 0 ? [] : text[..^1].Split('\0');
    }
}
