using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// What <c>job retry --right-size</c> and <c>job process --size-from KEY</c> share: the suggestion from an ended job's
/// usage (<see cref="RightSizing.Suggest"/>), refused when it has none, printed on stderr (stdout keeps the handle line or
/// the dry run), and limits put on a runner through its own checks.
/// </summary>
internal static class JobSizing
{
    /// <summary>The sizing from <paramref name="status"/>, printed; refused when the job has not ended or has no usage figures.</summary>
    /// <exception cref="Flepimop2Exception">The job has not ended, or nothing could be sized.</exception>
    public static RightSize From(CliContext context, string option, JobStatusResult status)
    {
        if (!status.Status.IsFinished())
        {
            throw new Flepimop2Exception($"{option}: {status.Key} has not ended ({status.Status.ToWireName()}), so what it used is not known yet; wait for it ('flepimop2 job wait {status.Key}')");
        }

        var size = RightSizing.Suggest(status);
        if (size.IsEmpty)
        {
            throw new Flepimop2Exception($"{option}: {size.Basis[0]}; give --memory and --time yourself");
        }

        context.Error.WriteLine($"sized from {status.Key}: {size}");
        foreach (var line in size.Basis)
        {
            context.Error.WriteLine("  " + line);
        }

        return size;
    }

    /// <summary>
    /// <paramref name="runner"/> with the limits set; a limit the runner does not take (a shell job has no memory limit) or a
    /// value it refuses is a usage error naming the option (<paramref name="option"/> when it set them for the user).
    /// </summary>
    public static JobRunner Override(string key, JobRunner runner, JobLimits limits, string? option = null)
    {
        try
        {
            return runner.WithLimits(limits);
        }
        catch (Flepimop2ConfigurationException ex)
        {
            var given = option ?? string.Join(", ", limits.Given.Select(g => "--" + g));
            var lines = ex.Problems.Select(p =>
                limits.Given.Contains(p.Field ?? string.Empty) && p.Problem.StartsWith($"the {runner.Backend} runner takes no ", StringComparison.Ordinal)
                    ? option is null
                        ? $"--{p.Field}: {key} ran on {runner.Module}, which takes no {p.Field}; retry it without --{p.Field}"
                        : $"{option}: {runner.Module} takes no {p.Field}, so it cannot be sized; leave out {option}"
                    : $"{key}'s configuration with {given}: {p.Message}");
            throw new CliUsageException(string.Join("\nerror: ", lines));
        }
    }
}
