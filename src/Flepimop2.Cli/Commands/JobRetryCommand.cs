using System.CommandLine;
using Flepimop2.Configuration;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job retry JOB [--memory M] [--time T] [--cpus-per-task N] [--right-size] [--failed-tasks] [--dry-run] [--json]
/// [--no-cache] [--after KEY] [--after-any KEY]</c>: submits an ended job again, with its recorded command (or a sweep's
/// recorded tasks) and its recorded runner configuration, not today's config file. Overrides go through the runner's own
/// checks; the new job records <c>retry_of</c>, and the old one <c>retried_as</c>.
/// </summary>
internal static class JobRetryCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Argument<string>("JOB") { Description = "The job to submit again: its key (slurm-4211) or bare id." };
        var memory = new Option<string?>("--memory") { Description = "The memory to ask for instead of the recorded one, like 8G or 500M (Slurm: per node; Grid Engine: h_vmem, per slot)." };
        var time = new Option<string?>("--time") { Description = "The time limit instead of the recorded one, like 4:00:00 or 1-12:00:00 (Slurm: time; Grid Engine: h_rt)." };
        var cpus = new Option<int?>("--cpus-per-task")
        {
            Description = "The CPUs per task instead of the recorded number (Slurm: cpus-per-task; Grid Engine: slots).",
            CustomParser = CommonOptions.ParseCount("--cpus-per-task", minimum: 1, maximum: 1_000_000),
        };
        var rightSize = new Option<bool>("--right-size")
        {
            Description = "Ask for the memory and time the job's tasks used: the largest peak and the longest run, times 1.25 (twice the limit for tasks that ran out of it).",
        };
        var failedTasks = new Option<bool>("--failed-tasks") { Description = "For a sweep: submit only the tasks that failed, each with its own task index." };
        var dryRun = CommonOptions.DryRunOption("Prepare the new submission and print it; submit and record nothing.");
        var json = CommonOptions.JsonOption();
        var noCache = new Option<bool>("--no-cache") { Description = "Do not record the new job in .flepimop2_cache/job." };
        var after = new AfterOptions();
        var command = new Command("retry", "Submit an ended job again with its recorded command and configuration, optionally with more memory, time or CPUs; for a sweep, all its tasks or only the failed ones.")
        {
            job, memory, time, cpus, rightSize, failedTasks, dryRun, json, noCache,
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

            var sized = parsed.GetValue(rightSize);
            if (sized && (parsed.GetValue(memory) is not null || parsed.GetValue(time) is not null))
            {
                throw new CliUsageException("--right-size sets --memory and --time from what the job used; give either --right-size or --memory/--time");
            }

            var recordedRunner = JobRunners.Build(stored.JobConfig);
            var limits = new JobLimits
            {
                Memory = Parsed(parsed.GetValue(memory), "--memory", (string text, out MemoryRequest value) => MemoryRequest.TryParse(text, out value), "a size like 4G, 500M or a number of megabytes"),
                Time = Parsed(parsed.GetValue(time), "--time", (string text, out WallTime value) => WallTime.TryParse(text, out value), "a time limit like 30 (minutes), 30:00, 1:30:00, 2-12 or 2-12:00:00, or UNLIMITED, above zero"),
                CpusPerTask = parsed.GetValue(cpus),
            };
            var runner = JobSizing.Override(stored.Key, recordedRunner, limits);

            // Asked only once the command line holds up: a mistake there costs no scheduler call.
            var status = await recordedRunner.StatusAsync(stored.Handle, cancellationToken).ConfigureAwait(false);
            if (!status.Status.IsFinished())
            {
                throw new Flepimop2Exception(
                    $"{stored.Key} has not ended ({status.Status.ToWireName()}); a retry would run it twice: wait for it ('flepimop2 job wait {stored.Key}') or cancel it first");
            }

            if (sized)
            {
                var size = JobSizing.From(context, "--right-size", status);
                runner = JobSizing.Override(stored.Key, recordedRunner, size.ToLimits() with { CpusPerTask = limits.CpusPerTask }, "--right-size");
            }

            var request = await runner.RetryRequestAsync(stored.Handle, parsed.GetValue(failedTasks), cancellationToken).ConfigureAwait(false);
            request = request with { After = after.Resolve(parsed, store), DryRun = parsed.GetValue(dryRun) };
            if (runner.ValidateSubmission(request) is { Count: > 0 } issues)
            {
                throw new Flepimop2ValidationException([.. issues.Select(i => i with { Message = $"{stored.Key}'s recorded configuration ({runner.Module}): {i.Message}" })]);
            }

            var record = !request.DryRun && !parsed.GetValue(noCache);
            SubmissionRecord? before = null;
            if (record)
            {
                SubmissionOutput.EnsureRecordable(store, cancellationToken);
                before = new SubmissionRecord(store, runner);
                request = before.Attach(request);
            }

            var submission = await runner.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            return SubmissionOutput.Print(
                context,
                parsed.GetValue(json),
                submission,
                record ? store : null,
                runner,
                cancellationToken,
                handle => MarkRetried(context, stored.Key, handle),
                before);
        });
        return command;
    }

    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>An option's value, parsed; a value that does not parse is a usage error naming the option.</summary>
    private static T? Parsed<T>(string? text, string option, TryParse<T> parse, string expected)
        where T : struct =>
        text is null ? null
        : parse(text, out var value) ? value
        : throw new CliUsageException($"{option} '{Output.TerminalWriter.OneLine(text)}': expected {expected}, got '{Output.TerminalWriter.OneLine(text)}'");

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
