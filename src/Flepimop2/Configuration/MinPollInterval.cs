using System.Globalization;
using System.Text.Json.Nodes;
using Flepimop2.Internal;

namespace Flepimop2.Configuration;

/// <summary>
/// A site's floor on how often the jobs of one configuration entry are asked about (<c>min-poll-interval:</c>, seconds, in
/// any job module's entry): <c>job list</c>, <c>job watch</c> and <c>job wait</c> on one store take the store's last
/// answer while it is younger than this, instead of asking the scheduler again.
/// </summary>
internal static class MinPollInterval
{
    /// <summary>The key in a jobs entry.</summary>
    public const string Key = "min-poll-interval";

    /// <summary>The longest floor taken: a day.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>The floor an entry sets; null when it sets none.</summary>
    /// <exception cref="Flepimop2ConfigurationException">The value is not a number of seconds from 0 to a day.</exception>
    public static TimeSpan? Read(JsonObject configuration)
    {
        var reader = new OptionReader(configuration);
        var text = reader.Scalar(Key, "a number of seconds");
        reader.ThrowIfAny();
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds < 0 || seconds > Longest.TotalSeconds)
        {
            throw OptionReader.Error(Key, $"must be a number of seconds from 0 to {Longest.TotalSeconds:0} (a day), got '{Printable.Escape(text)}'");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The floor of a stored entry, or null when it sets none or a value that is not one (checked when it was submitted).</summary>
    public static TimeSpan? TryRead(JsonObject configuration)
    {
        try
        {
            return Read(configuration);
        }
        catch (Flepimop2ConfigurationException)
        {
            return null;
        }
    }
}
