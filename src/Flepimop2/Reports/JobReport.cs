namespace Flepimop2.Reports;

/// <summary>
/// What <c>flepimop2 job report</c> shows of some jobs, as plain data taken from their status results and records: the jobs in
/// chain order (as submitted), each with one row per task. Rendered by <see cref="ReportHtml"/> and <see cref="ReportTimeline"/>.
/// </summary>
/// <param name="GeneratedAt">When the statuses were asked for: the right end of the time axis for what has not ended.</param>
/// <param name="Generator">What made the report (the program and its version), for its footer.</param>
/// <param name="Jobs">The jobs, oldest submission first.</param>
internal sealed record JobReport(DateTimeOffset GeneratedAt, string Generator, IReadOnlyList<ReportJob> Jobs);
