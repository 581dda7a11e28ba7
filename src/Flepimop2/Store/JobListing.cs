namespace Flepimop2.Store;

/// <summary>Every job the store could read, oldest first, and one warning per file it could not.</summary>
/// <param name="Jobs">The jobs.</param>
/// <param name="Warnings">One line per unreadable or inconsistent file.</param>
public sealed record JobListing(IReadOnlyList<JobSummaryEntry> Jobs, IReadOnlyList<string> Warnings);
