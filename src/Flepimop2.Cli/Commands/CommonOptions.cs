using System.CommandLine;
using Flepimop2.Configuration;

namespace Flepimop2.Cli.Commands;

/// <summary>Arguments and options several commands share, and where a missing config path leads.</summary>
internal static class CommonOptions
{
    public static Argument<string?> ConfigArgument() => new("CONFIG")
    {
        Description = "The configuration file; by default the first of config.yaml, config.yml, configuration.yaml, ... (also under configs/).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary><c>--target/-t</c>: one target of a step section (<c>process</c>, <c>simulate</c>).</summary>
    public static Option<string?> TargetOption(string section) => new("--target", "-t")
    {
        Description = $"The '{section}' target to run; the first one by default.",
    };

    public static Option<bool> DryRunOption(string what) => new("--dry-run")
    {
        Description = what,
    };

    public static Option<bool> JsonOption() => new("--json")
    {
        Description = "Print machine-readable JSON with the field names of the store's files.",
    };

    public static Argument<string[]> JobsArgument() => new("JOB")
    {
        Description = "Job keys (shell-abc) or bare job ids.",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary><c>--task I</c>: one task of a sweep, by its index.</summary>
    public static Option<int?> TaskOption(string what) => new("--task")
    {
        Description = what,
        CustomParser = ParseCount("--task", minimum: 0, maximum: Jobs.JobRequest.MaxTasks - 1),
    };

    /// <summary>Parses a whole number from <paramref name="minimum"/> to <paramref name="maximum"/>; anything else is a usage error naming the option.</summary>
    public static Func<System.CommandLine.Parsing.ArgumentResult, int?> ParseCount(string option, int minimum, int maximum) => result =>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= minimum && value <= maximum)
        {
            return value;
        }

        result.AddError($"{option} must be a whole number from {minimum} to {maximum}; got '{text}'");
        return null;
    };

    /// <summary>The task a sweep's <c>--task</c> names, checked against the job: an error naming both when it has no such task.</summary>
    public static int? CheckTask(int? task, Jobs.JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (task is not { } index)
        {
            return null;
        }

        var indices = handle.SweepTaskIndices ?? throw new CliUsageException($"--task {index}: job {handle.Key} is a single job, not a sweep of tasks");
        if (indices.Contains(index))
        {
            return index;
        }

        // A retry of some tasks keeps their first indices, so a sweep's tasks are not always 0 to N - 1.
        var which = indices.Select((task, position) => task == position).All(same => same)
            ? $"0 to {indices.Count - 1}"
            : string.Join(", ", indices.Take(20)) + (indices.Count > 20 ? $" ... ({indices.Count} in all)" : string.Empty);
        throw new CliUsageException($"--task {index}: sweep {handle.Key} has tasks {which}");
    }

    /// <summary>The longest wait a seconds option takes: a year.</summary>
    public const double MaxSeconds = 365 * 24 * 3600;

    /// <summary>The shortest: a millisecond, the resolution of the timers that wait (anything shorter would be a busy loop).</summary>
    public const double MinSeconds = 0.001;

    /// <summary>
    /// Parses a number of seconds: finite, from <see cref="MinSeconds"/> to <see cref="MaxSeconds"/>. Anything else (<c>abc</c>,
    /// <c>nan</c>, <c>Infinity</c>, <c>1e308</c>, <c>-1</c>, <c>1e-9</c>) is a usage error naming the option and the value.
    /// </summary>
    public static Func<System.CommandLine.Parsing.ArgumentResult, TimeSpan?> ParseSeconds(string option) => result =>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        // No white space, no thousands separators: one spelling of a number, as for the whole-number options.
        if (double.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowExponent, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= MinSeconds and <= MaxSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        result.AddError(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{option} must be a number of seconds from {MinSeconds} to {MaxSeconds:0} (a year); got '{text}'"));
        return null;
    };

    /// <summary>Refuses to start a job (or a step here) with an environment variable it would inherit changed; see <see cref="ExactInput"/>.</summary>
    public static void CheckEnvironment()
    {
        if (ExactInput.CheckEnvironment() is { } problem)
        {
            throw new CliInputException(problem);
        }
    }

    /// <summary>Loads the given configuration, or the default one in the current directory; a signal stops the wait for it.</summary>
    public static Task<ConfigurationFile> LoadConfigAsync(string? given, CliContext context, CancellationToken cancellationToken)
    {
        var path = given ?? ConfigurationFile.FindDefault(context.Directory)
            ?? throw new Flepimop2ConfigurationException(
                $"no configuration file given, and none of {string.Join(", ", ConfigurationFile.DefaultNames)} exists in {context.Directory}");
        return ConfigurationFile.LoadAsync(path, cancellationToken);
    }
}
