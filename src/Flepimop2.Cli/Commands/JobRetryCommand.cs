using System.CommandLine;
using System.Text.Json.Nodes;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job retry JOB [--memory M] [--time T] [--cpus-per-task N] [--failed-tasks] [--dry-run] [--json]
/// [--no-cache] [--after KEY] [--after-any KEY]</c>: submits an ended job again, with its recorded command (or a sweep's
/// recorded tasks) and its recorded runner configuration, not today's config file. Overrides go through the runner's own
/// checks; the new job records <c>retry_of</c>, and the old one <c>retried_as</c>.
/// </summary>
internal static class JobRetryCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Argument<string>("JOB") { Description = "The job to submit again: its key (slurm-4211) or bare id." };
        var memory = new Option<string?>("--memory") { Description = "The memory to ask for instead of the recorded one (Slurm: like 8G or 500M)." };
        var time = new Option<string?>("--time") { Description = "The time limit instead of the recorded one (Slurm: like 4:00:00 or 1-12:00:00)." };
        var cpus = new Option<int?>("--cpus-per-task")
        {
            Description = "The CPUs per task instead of the recorded number (Slurm).",
            CustomParser = CommonOptions.ParseCount("--cpus-per-task", minimum: 1, maximum: 1_000_000),
        };
        var failedTasks = new Option<bool>("--failed-tasks") { Description = "For a sweep: submit only the tasks that failed, each with its own task index." };
        var dryRun = CommonOptions.DryRunOption("Prepare the new submission and print it; submit and record nothing.");
        var json = CommonOptions.JsonOption();
        var noCache = new Option<bool>("--no-cache") { Description = "Do not record the new job in .flepimop2_cache/job." };
        var after = new AfterOptions();
        var command = new Command("retry", "Submit an ended job again with its recorded command and configuration, optionally with more memory, time or CPUs; for a sweep, all its tasks or only the failed ones.")
        {
            job, memory, time, cpus, failedTasks, dryRun, json, noCache,
        };
        foreach (var option in after.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            after.CheckCommandLine(parsed);
            CommonOptions.CheckEnvironment();
            var store = context.Store;
            var stored = store.Find(parsed.GetValue(job)!);
            var sweep = stored.Handle.SweepTaskIndices is not null;
            if (parsed.GetValue(failedTasks) && !sweep)
            {
                throw new CliUsageException($"--failed-tasks: {stored.Key} is a single job, not a sweep of tasks; retry it without --failed-tasks");
            }

            var recordedRunner = JobRunners.Build(stored.JobConfig);
            var values = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["--memory"] = parsed.GetValue(memory),
                ["--time"] = parsed.GetValue(time),
                ["--cpus-per-task"] = parsed.GetValue(cpus)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var runner = Override(stored, recordedRunner, values);

            // Asked only once the command line holds up: a mistake there costs no scheduler call.
            var status = await recordedRunner.StatusAsync(stored.Handle, cancellationToken).ConfigureAwait(false);
            if (!status.Status.IsFinished())
            {
                throw new Flepimop2Exception(
                    $"{stored.Key} has not ended ({status.Status.ToWireName()}); a retry would run it twice: wait for it ('flepimop2 job wait {stored.Key}') or cancel it first");
            }

            var request = await runner.RetryRequestAsync(stored.Handle, parsed.GetValue(failedTasks), cancellationToken).ConfigureAwait(false);
            request = request with { After = after.Resolve(parsed, store), DryRun = parsed.GetValue(dryRun) };
            if (runner.ValidateSubmission(request) is { Count: > 0 } issues)
            {
                throw new Flepimop2ValidationException([.. issues.Select(i => i with { Message = $"{stored.Key}'s recorded configuration ({runner.Module}): {i.Message}" })]);
            }

            var record = !request.DryRun && !parsed.GetValue(noCache);
            if (record)
            {
                SubmissionOutput.EnsureRecordable(store, cancellationToken);
            }

            var submission = await runner.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            return SubmissionOutput.Print(
                context,
                parsed.GetValue(json),
                submission,
                record ? store : null,
                runner,
                cancellationToken,
                handle => MarkRetried(context, stored.Key, handle));
        });
        return command;
    }

    /// <summary>
    /// The recorded runner, or one built from the recorded configuration with the overrides set; an override the runner
    /// does not take (a shell job has no memory limit) or a value it refuses is a usage error naming the option.
    /// </summary>
    private static JobRunner Override(Store.StoredJob stored, JobRunner recorded, Dictionary<string, string?> values)
    {
        var given = values.Where(v => v.Value is not null).Select(v => v.Key).ToList();
        if (given.Count == 0)
        {
            return recorded;
        }

        var config = (JsonObject)stored.JobConfig.DeepClone();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in given)
        {
            // The runner says which limits it takes, and under which key its record keeps each.
            if (!recorded.LimitKeys.TryGetValue(option[2..], out var key))
            {
                throw new CliUsageException($"{option}: {stored.Key} ran on {recorded.Module}, which takes no {option[2..]}; retry it without {option}");
            }

            // A hand-written record may spell the key with dashes; the override replaces either spelling.
            config.Remove(key.Replace('_', '-'));
            config[key] = option == "--cpus-per-task" ? JsonValue.Create(int.Parse(values[option]!, System.Globalization.CultureInfo.InvariantCulture)) : values[option];
            keys[key] = option;
        }

        try
        {
            return JobRunners.Build(config);
        }
        catch (Flepimop2ConfigurationException ex)
        {
            var lines = ex.Problems.Select(p =>
                p.Field is { } field && keys.TryGetValue(field.Replace('-', '_'), out var option)
                    ? $"{option} '{Output.TerminalWriter.OneLine(values[option]!)}': {p.Problem}"
                    : $"{stored.Key}'s recorded configuration: {p.Message}");
            throw new CliUsageException(string.Join("\nerror: ", lines));
        }
    }

    /// <summary>Marks the old job <c>retried_as</c> the new one; a failure to do so is said, and the new job stands.</summary>
    private static void MarkRetried(CliContext context, string oldKey, JobHandle handle)
    {
        try
        {
            context.Store.SetMetadata(oldKey, "retried_as", handle.Key, CancellationToken.None);
        }
        catch (Flepimop2Exception ex)
        {
            context.Error.WriteLine($"warning: {handle.Key} was submitted and recorded, but {oldKey} could not be marked as retried: {ex.Message}");
        }
    }
}
