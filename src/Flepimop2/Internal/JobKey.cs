using System.Buffers;
using System.Text;

namespace Flepimop2.Internal;

/// <summary>Store keys: <c>{backend}-{job_id}</c> with every run of characters outside <c>[A-Za-z0-9._-]</c> replaced by one <c>_</c>.</summary>
internal static class JobKey
{
    public static string For(string backend, string jobId) => Sanitize($"{backend}-{jobId}");

    public static string Sanitize(string raw)
    {
        var builder = new StringBuilder(raw.Length);
        var inRun = false;
        foreach (var c in raw)
        {
            if (IsSafe(c))
            {
                builder.Append(c);
                inRun = false;
            }
            else if (!inRun)
            {
                builder.Append('_');
                inRun = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="key"/> is the key of the job; without allocating when the names are already safe, as
    /// nearly all are (a listing checks one per job).</summary>
    public static bool Matches(string key, string backend, string jobId)
    {
        if (IsSafeText(backend) && IsSafeText(jobId))
        {
            return key.Length == backend.Length + 1 + jobId.Length
                && key.StartsWith(backend, StringComparison.Ordinal)
                && key[backend.Length] == '-'
                && key.EndsWith(jobId, StringComparison.Ordinal);
        }

        return key == For(backend, jobId);
    }

    /// <summary>Whether text can name a file in the store: only safe characters, and not <c>.</c> or <c>..</c>.</summary>
    public static bool IsValidKey(string text) =>
        text.Length > 0 && text.Length <= 200 && text != "." && text != ".." && IsSafeText(text);

    private static readonly SearchValues<char> Safe = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private static bool IsSafe(char c) => Safe.Contains(c);

    /// <summary>One vectorised scan: a listing checks a key or two per job.</summary>
    private static bool IsSafeText(string text) => text.AsSpan().IndexOfAnyExcept(Safe) < 0;
}
