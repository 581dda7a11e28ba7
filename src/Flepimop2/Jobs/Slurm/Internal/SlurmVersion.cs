using System.Globalization;

namespace Flepimop2.Jobs.Slurm.Internal;

/// <summary>A Slurm release, its year and month (<c>22.05</c>); the maintenance number does not change what a tool takes.</summary>
/// <param name="Major">The year part, <c>22</c> of <c>22.05.8</c>.</param>
/// <param name="Minor">The month part, <c>5</c> of <c>22.05.8</c>.</param>
internal readonly record struct SlurmVersion(int Major, int Minor)
{
    /// <summary>The package names a Slurm tool prints before its version: upstream's, and Debian's and Ubuntu's.</summary>
    private static readonly string[] PackageNames = ["slurm", "slurm-wlm"];

    /// <summary>
    /// Whether <c>squeue --only-job-state</c> is used: from 24.05 on, the first series that has it from its first release
    /// (it came in 23.11.5 and changed in the two releases after it, so 23.11 keeps the ordinary query).
    /// </summary>
    public bool HasOnlyJobState => Major > 24 || (Major == 24 && Minor >= 5);

    /// <summary>
    /// The version in what <c>squeue --version</c> printed, one line of a package name and the version
    /// (<c>slurm 24.05.1</c>, or <c>slurm-wlm 22.05.8</c> from Debian's build, as on the test cluster); null for anything else.
    /// </summary>
    public static SlurmVersion? FromVersionOutput(string? stdout)
    {
        var text = (stdout ?? string.Empty).Trim();
        var words = text.Split(' ');
        return !text.Contains('\n', StringComparison.Ordinal) && words.Length == 2 && PackageNames.Contains(words[0], StringComparer.Ordinal) ? FromNumber(words[1]) : null;
    }

    /// <summary>A version number, <c>22.05.8</c> (or <c>24.05.0-0rc1</c>): year and month must be plain numbers; null otherwise.</summary>
    public static SlurmVersion? FromNumber(string? text)
    {
        var parts = (text ?? string.Empty).Trim().Split('.');
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
                ? new SlurmVersion(major, minor)
                : null;
    }

    /// <summary>As Slurm writes it, <c>22.05</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor:00}");
}
