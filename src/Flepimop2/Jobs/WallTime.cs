using System.Globalization;
using System.Text.RegularExpressions;

namespace Flepimop2.Jobs;

/// <summary>
/// A time limit in whole seconds, or unlimited. Parses the forms Slurm accepts (<c>M</c>, <c>M:S</c>, <c>H:M:S</c>,
/// <c>D-H</c>, <c>D-H:M</c>, <c>D-H:M:S</c>, <c>UNLIMITED</c>), which every runner takes, and renders <c>D-HH:MM:SS</c>.
/// </summary>
public readonly partial record struct WallTime
{
    /// <summary>No limit (Slurm's <c>UNLIMITED</c> or <c>INFINITE</c>).</summary>
    public static readonly WallTime Unlimited = new(-1);

    // Large enough for any real limit (over 2700 years) and far from overflowing seconds.
    private const long MaxLeadingField = 999_999_999;

    private WallTime(long totalSeconds) => TotalSeconds = totalSeconds;

    /// <summary>The limit in seconds; negative for <see cref="Unlimited"/>.</summary>
    public long TotalSeconds { get; }

    /// <summary>Whether this is no limit at all.</summary>
    public bool IsUnlimited => TotalSeconds < 0;

    /// <summary>A limit of <paramref name="seconds"/> seconds.</summary>
    /// <param name="seconds">At least 1.</param>
    /// <returns>The limit.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one second.</exception>
    public static WallTime FromSeconds(long seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1);
        return new WallTime(seconds);
    }

    /// <summary>Parses a time limit in one of the forms <see cref="TryParse"/> takes.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The limit.</returns>
    /// <exception cref="FormatException">The text is not a time limit above zero.</exception>
    public static WallTime Parse(string text) =>
        TryParse(text, out var time) ? time : throw new FormatException($"expected a time limit like 30 (minutes), 1:30:00 or 2-12:00:00, or UNLIMITED, got '{text}'");

    /// <summary>
    /// Parses a Slurm time limit. The first field may be any size (<c>90</c> minutes is fine); the fields after it
    /// must be in range (hours below 24 after a day, minutes and seconds below 60). Zero is refused: to Slurm it
    /// means no limit, which is better said as <c>UNLIMITED</c>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="time">The limit, when the text is one.</param>
    /// <returns>Whether the text is a time limit above zero, or unlimited.</returns>
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
    /// <returns>The text.</returns>
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
