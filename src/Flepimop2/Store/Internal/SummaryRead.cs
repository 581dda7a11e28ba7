namespace Flepimop2.Store.Internal;

/// <summary>What reading the summary gave: its entries, whether it was damaged (so a rewrite repairs it), and whether it is a file the store must not write (a link, a FIFO).</summary>
/// <param name="Entries">The entries that could be trusted.</param>
/// <param name="Damaged">Whether anything was left out.</param>
/// <param name="Unsafe">Whether it is a link or not a regular file.</param>
internal sealed record SummaryRead(List<JobSummaryEntry> Entries, bool Damaged, bool Unsafe);
