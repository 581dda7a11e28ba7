using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>
/// Reads a cell's accounting file from its end. The qmaster appends a record as each job ends, and the file holds every job
/// since the cell was set up, so it grows without bound; the records of the jobs a status round asks about are in its last
/// part. Reading stops at the first record (from the end) of a run that ended before the oldest of those jobs was
/// submitted, so neither time nor memory grows with the cell's history, and a record of an earlier job that had the same
/// id (ids start again when a cell is set up again, and wrap) is not taken for a job submitted since.
/// </summary>
internal static class AccountingFile
{
    /// <summary>How much is read at a time.</summary>
    public const int DefaultBlockSize = 64 * 1024;

    /// <summary>A line longer than this is no record (a record is well under 4 KiB): it is skipped without being held.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    /// <summary>What is done with each line read from the end: false stops the reading.</summary>
    public delegate bool LineVisitor(ReadOnlySpan<byte> line);

    /// <summary>
    /// The last record of each job or task among <paramref name="jobIds"/>, keyed as <see cref="QstatXmlParser.Key"/>, read
    /// from the end of the file back to the first record of a run that ended before <paramref name="notBefore"/> (seconds
    /// since the epoch; <see cref="long.MinValue"/> reads the whole file). Lines that are not records are skipped; only the
    /// lines of the jobs asked about are decoded.
    /// </summary>
    public static async Task<Dictionary<string, GridEngineAccountingRecord>> ReadAsync(
        string path, IReadOnlySet<string> jobIds, long notBefore, CancellationToken cancellationToken, int blockSize = DefaultBlockSize)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var records = new Dictionary<string, GridEngineAccountingRecord>(StringComparer.Ordinal);
        var wanted = new HashSet<string>(jobIds, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        await ScanFromEndAsync(path, Visit, cancellationToken, blockSize).ConfigureAwait(false);
        return records;

        bool Visit(ReadOnlySpan<byte> line)
        {
            if (AccountingParser.EndTime(line) is > 0 and var end && end < notBefore)
            {
                return false;
            }

            // Read from the end, the first record of a job or task is its last run.
            if (AccountingParser.IsJobAmong(line, wanted) && AccountingParser.ParseLine(Encoding.UTF8.GetString(line).Split(':')) is { } record)
            {
                records.TryAdd(QstatXmlParser.Key(record.JobId, record.Task), record);
            }

            return true;
        }
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with each line of the file, last first, until it returns false. A last line without
    /// its newline (the qmaster is writing it) is left out, and so is a line longer than <see cref="MaxLineBytes"/>.
    /// </summary>
    public static async Task ScanFromEndAsync(string path, LineVisitor visit, CancellationToken cancellationToken, int blockSize = DefaultBlockSize)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        var position = RandomAccess.GetLength(file);
        var block = new byte[blockSize];
        var scan = new Scan(visit);
        while (position > 0)
        {
            var count = (int)Math.Min(blockSize, position);
            position -= count;
            var read = 0;
            while (read < count)
            {
                var n = await RandomAccess.ReadAsync(file, block.AsMemory(read, count - read), position + read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            if (!scan.Block(block.AsSpan(0, read)))
            {
                return;
            }
        }

        scan.Start();
    }

    /// <summary>The state of a scan between blocks: the end of a line whose start is in a block not read yet.</summary>
    private sealed class Scan(LineVisitor visit)
    {
        private byte[] _carry = [];
        private bool _skipping;
        private bool _sawNewline;

        /// <summary>The lines of one block, which comes just before the one read last; false once the visitor stops.</summary>
        public bool Block(ReadOnlySpan<byte> block)
        {
            var end = block.Length;
            for (var i = end - 1; i >= 0; i--)
            {
                if (block[i] != (byte)'\n')
                {
                    continue;
                }

                // What follows this newline starts the line whose end was carried over; before the first newline from the end
                // there is only a line still being written.
                if (_sawNewline && !_skipping && !Emit(block[(i + 1)..end]))
                {
                    return false;
                }

                _carry = [];
                _skipping = false;
                _sawNewline = true;
                end = i;
            }

            if (_sawNewline && !_skipping)
            {
                if (end + _carry.Length > MaxLineBytes)
                {
                    _carry = [];
                    _skipping = true;
                }
                else if (end > 0)
                {
                    _carry = [.. block[..end], .. _carry];
                }
            }

            return true;
        }

        /// <summary>The file's first line, which no newline precedes (empty when the file starts with one).</summary>
        public void Start()
        {
            if (_sawNewline && !_skipping)
            {
                visit(_carry);
            }
        }

        private bool Emit(ReadOnlySpan<byte> start)
        {
            if (_carry.Length == 0)
            {
                return visit(start);
            }

            return start.Length + _carry.Length > MaxLineBytes || visit([.. start, .. _carry]);
        }
    }
}
