using Flepimop2.Internal;
using Flepimop2.Jobs;

namespace Flepimop2.Reports;

/// <summary>
/// Where a submission came from, as the report lists it: one <c>name: value</c> entry per fact the record keeps (the
/// configuration file, the target, ...). The one place to read a record's provenance for the report.
/// </summary>
internal static class ReportProvenance
{
    /// <summary>The entries for a job; empty when its record keeps none.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Of(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var entries = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                entries.Add(KeyValuePair.Create(name, Printable.Escape(value)));
            }
        }

        Add("configuration", handle.RecordedCommand?.Config);
        Add("target", handle.Target);
        Add("retry of", handle.RetryOf);
        Add("retried as", handle.RetriedAs);
        Add("after", handle.After.Count > 0 ? string.Join(", ", handle.After) : null);
        return entries;
    }
}
