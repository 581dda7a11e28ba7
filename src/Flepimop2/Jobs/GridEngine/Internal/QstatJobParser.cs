namespace Flepimop2.Jobs.GridEngine.Internal;

/// <summary>Reads the error reasons of <c>qstat -j ID,...</c>: a <c>job_number:</c> line starts each job, <c>error reason N:</c> lines say why it is in error.</summary>
internal static class QstatJobParser
{
    /// <summary>Each job's error reasons joined by <c>; </c>, for the jobs that have any.</summary>
    public static Dictionary<string, string> ErrorReasons(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var reasons = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? job = null;
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("job_number:", StringComparison.Ordinal))
            {
                job = line["job_number:".Length..].Trim();
            }
            else if (job is not null && line.StartsWith("error reason", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                if (!reasons.TryGetValue(job, out var list))
                {
                    reasons[job] = list = [];
                }

                // "error reason    1:      11/26/2026 11:54:09 [105:31366]: exit_status of job start = 100": the time and the ids go.
                var reason = line[(colon + 1)..].Trim();
                var bracket = reason.IndexOf("]: ", StringComparison.Ordinal);
                list.Add(bracket < 0 ? reason : reason[(bracket + 3)..]);
            }
        }

        return reasons.ToDictionary(kv => kv.Key, kv => string.Join("; ", kv.Value), StringComparer.Ordinal);
    }
}
