using System.Globalization;
using System.Text.RegularExpressions;

namespace Flepimop2.Jobs.Internal;

/// <summary>
/// A time limit for <c>sbatch --time</c>, in seconds, or unlimited. Parses the forms Slurm accepts
/// (<c>M</c>, <c>M:S</c>, <c>H:M:S</c>, <c>D-H</c>, <c>D-H:M</c>, <c>D-H:M:S</c>, <c>UNLIMITED</c>) and always renders <c>D-HH:MM:SS</c>.
/// </summary>
internal readonly partial record struct WallTime(long TotalSeconds)
{
    /// <summary>No limit (Slurm's <c>UNLIMITED</c> or <c>INFINITE</c>).</summary>
    public static readonly WallTime Unlimited = new(-1);

    // Large enough for any real limit (over 2700 years) and far from overflowing seconds.
    private const long MaxLeadingField = 999_999_999;

    public bool IsUnlimited => TotalSeconds < 0;

    /// <summary>
    /// Parses a Slurm time limit. The first field may be any size (<c>90</c> minutes is fine); the fields after it
    /// must be in range (hours below 24 after a day, minutes and seconds below 60). Zero is refused: to Slurm it
    /// means no limit, which is better said as <c>UNLIMITED</c>.
    /// </summary>
    public static bool TryParse(string? text, out WallTime time)
    {
        time = default;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Equals("UNLIMITED", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("INFINITE", StringComparison.OrdinalIgnoreCase))
        {
            time = Unlimited;
            return true;
        }

        var match = Pattern().Match(trimmed);
        if (!match.Success)
        {
            return false;
        }

        var fields = match.Groups["clock"].Value.Split(':');
        if (fields.Any(f => f.Length > 9))
        {
            return false;
        }

        var numbers = fields.Select(f => long.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        long days = 0, hours = 0, minutes = 0, seconds = 0;
        if (match.Groups["days"].Success)
        {
            // D-H, D-H:M, D-H:M:S
            days = long.Parse(match.Groups["days"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            hours = numbers[0];
            minutes = numbers.Length > 1 ? numbers[1] : 0;
            seconds = numbers.Length > 2 ? numbers[2] : 0;
            if (days > MaxLeadingField || hours >= 24 || minutes >= 60 || seconds >= 60)
            {
                return false;
            }
        }
        else
        {
            switch (numbers.Length)
            {
                case 1: minutes = numbers[0]; break;
                case 2: (minutes, seconds) = (numbers[0], numbers[1]); break;
                default: (hours, minutes, seconds) = (numbers[0], numbers[1], numbers[2]); break;
            }

            var leading = numbers[0];
            var restInRange = numbers.Length switch
            {
                1 => true,
                2 => seconds < 60,
                _ => minutes < 60 && seconds < 60,
            };
            if (leading > MaxLeadingField || !restInRange)
            {
                return false;
            }
        }

        var total = (((days * 24) + hours) * 60 + minutes) * 60 + seconds;
        if (total <= 0)
        {
            return false;
        }

        time = new WallTime(total);
        return true;
    }

    /// <summary><c>D-HH:MM:SS</c>, or <c>UNLIMITED</c>.</summary>
    public override string ToString()
    {
        if (IsUnlimited)
        {
            return "UNLIMITED";
        }

        var days = TotalSeconds / 86_400;
        var rest = TotalSeconds % 86_400;
        return string.Create(CultureInfo.InvariantCulture, $"{days}-{rest / 3600:00}:{rest / 60 % 60:00}:{rest % 60:00}");
    }

    [GeneratedRegex(@"^(?:(?<days>[0-9]{1,9})-(?<clock>[0-9]+(?::[0-9]+){0,2})|(?<clock>[0-9]+(?::[0-9]+){0,2}))$")]
    private static partial Regex Pattern();
}
