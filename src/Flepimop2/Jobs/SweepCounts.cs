using System.Globalization;
using System.Text;

namespace Flepimop2.Jobs;

/// <summary>How many tasks of a sweep are in each status: what a listing shows, and what the store keeps per sweep.</summary>
/// <param name="Total">Every task.</param>
/// <param name="Successful">Tasks that succeeded.</param>
/// <param name="Failed">Tasks that failed.</param>
/// <param name="FinishedUnknown">Tasks that ended in a way that cannot be known.</param>
/// <param name="Running">Tasks running.</param>
/// <param name="Pending">Tasks not started.</param>
public sealed record SweepCounts(int Total, int Successful, int Failed, int FinishedUnknown, int Running, int Pending)
{
    /// <summary>
    /// The counts for a listing line: <c>tasks=1000 successful=990 failed=7 running=3</c> (the total, then the statuses that
    /// occur, in the order successful, failed, finished_unknown, running, pending).
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"tasks={Total}");
        foreach (var (name, count) in Named())
        {
            if (count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" {name}={count}");
            }
        }

        return text.ToString();
    }

    /// <summary>Each status's wire name with its count, in listing order.</summary>
    /// <returns>The pairs.</returns>
    public IReadOnlyList<(string Status, int Count)> Named() =>
        [("successful", Successful), ("failed", Failed), ("finished_unknown", FinishedUnknown), ("running", Running), ("pending", Pending)];
}
