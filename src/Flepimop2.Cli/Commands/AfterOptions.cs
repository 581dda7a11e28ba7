using System.CommandLine;
using Flepimop2.Jobs;
using Flepimop2.Store;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>--after KEY</c> (run only if KEY succeeds) and <c>--after-any KEY</c> (run once KEY has ended, however), each
/// repeatable, for every command that submits. Keys are looked up in the store, so a predecessor is always a recorded job;
/// the new job has no key until it is submitted, so no chain of recorded jobs can loop back to it.
/// </summary>
internal sealed class AfterOptions
{
    private readonly Option<string[]> _after = new("--after")
    {
        Description = "Run only after this job has succeeded (all tasks of a sweep); repeat for several. It ends as failed, without running, if one does not succeed.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string[]> _afterAny = new("--after-any")
    {
        Description = "Run once this job has ended, however it ended; repeat for several.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The two options, to add to a command.</summary>
    public IEnumerable<Option> Options => [_after, _afterAny];

    /// <summary>The predecessors as given, each with its condition and the option that named it.</summary>
    private IEnumerable<(string Option, string Query, DependencyCondition Condition)> Given(ParseResult parsed) =>
        (parsed.GetValue(_after) ?? []).Select(q => ("--after", q, DependencyCondition.Succeeded))
            .Concat((parsed.GetValue(_afterAny) ?? []).Select(q => ("--after-any", q, DependencyCondition.Ended)));

    /// <summary>Refuses a key given twice before anything is read.</summary>
    public void CheckCommandLine(ParseResult parsed)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, query, _) in Given(parsed))
        {
            if (query.Length == 0)
            {
                throw new CliUsageException($"{option} needs a job key (shell-abc) or id; got an empty one");
            }

            if (seen.TryGetValue(query, out var first))
            {
                throw new CliUsageException($"{option} {Printable(query)}: the job is already given with {first}; name each predecessor once");
            }

            seen[query] = option;
        }
    }

    /// <summary>
    /// The predecessors, each found in the store (a key, or a bare id as <c>job status</c> takes it). An unknown key is a
    /// <see cref="JobNotFoundException"/> naming the option; two names of the same job are a usage error.
    /// </summary>
    public IReadOnlyList<JobDependency> Resolve(ParseResult parsed, JobStore store)
    {
        var dependencies = new List<JobDependency>();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, query, condition) in Given(parsed))
        {
            StoredJob job;
            try
            {
                job = store.Find(query);
            }
            catch (JobNotFoundException ex)
            {
                throw new JobNotFoundException(query, $"{option} {Printable(query)}: {ex.Message}; nothing was submitted");
            }

            if (found.TryGetValue(job.Key, out var first))
            {
                throw new CliUsageException($"{option} {Printable(query)} and {first} name the same job, {job.Key}; name each predecessor once");
            }

            found[job.Key] = $"{option} {Printable(query)}";
            dependencies.Add(new JobDependency(job.Handle, condition));
        }

        return dependencies;
    }

    private static string Printable(string text) => Output.TerminalWriter.OneLine(text);
}
