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
        if (handle.Provenance is { } provenance)
        {
            Add("configuration path", provenance.ConfigPath);
            Add("configuration sha256", provenance.ConfigSha256);
            Add("configuration copy", provenance.ConfigCopy);
            Add("git commit", provenance.GitCommit is null ? null : provenance.GitCommit + (provenance.GitDirty switch { true => " (tracked files changed)", false => " (clean)", null => string.Empty }));
            Add("flepimop2 version", provenance.Version);
            Add("command", provenance.Command.Count > 0 ? ShellQuote.Join(provenance.Command) : null);
            Add("environment", provenance.Environment.Count > 0 ? string.Join(", ", provenance.Environment.Keys.Order(StringComparer.Ordinal)) : null);
            Add("batch script", provenance.ScriptPath);
        }

        // The same sizing `job retry --right-size` would ask for, so the report and the retry agree.
        if (handle is JobStatusResult status && status.Status.IsFinished() && RightSizing.Suggest(status) is { IsEmpty: false } size)
        {
            Add("next run (right-size)", size.ToString());
        }

        return entries;
    }
}
