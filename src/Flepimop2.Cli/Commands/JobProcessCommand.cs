using System.CommandLine;
using Flepimop2.Cli.Output;
using Flepimop2.Commands;
using Flepimop2.Jobs;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// <c>flepimop2 job process [CONFIG] [-j JOB_TARGET] [--no-cache] [-t TARGET]... [--repeat N] [--max-parallel K] [--dry-run]</c>:
/// checks the step, submits <c>flepimop2 process ...</c> to the chosen runner, prints the handle line and records it.
/// Several targets or <c>--repeat</c> make a sweep: one submission of one task per target and repeat (target-major, so
/// task <c>t * N + r</c> is repeat <c>r</c> of the <c>t</c>-th target), tracked as one job. Nothing is submitted that could
/// not be recorded.
/// </summary>
internal static class JobProcessCommand
{
    public static Command Create(CliContext context)
    {
        var config = CommonOptions.ConfigArgument();
        var jobTarget = new Option<string?>("--job-target", "-j") { Description = "The 'jobs' target (runner) to submit to; the first one by default." };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not record the job in .flepimop2_cache/job." };
        var target = new Option<string[]>("--target", "-t")
        {
            Description = "The 'process' target to run; the first one by default. Give it more than once for a sweep of one task per target.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var repeat = new Option<int?>("--repeat")
        {
            Description = "Run each target N times, as one sweep (each task gets FLEPIMOP2_TASK_INDEX and FLEPIMOP2_TASK_COUNT).",
            CustomParser = CommonOptions.ParseCount("--repeat", minimum: 1, maximum: JobRequest.MaxTasks),
        };
        var maxParallel = new Option<int?>("--max-parallel")
        {
            Description = "Run at most K tasks of the sweep at once (Slurm: the array's %K limit); the runner's max-parallel by default.",
            CustomParser = CommonOptions.ParseCount("--max-parallel", minimum: 1, maximum: JobRequest.MaxTasks),
        };
        var dryRun = CommonOptions.DryRunOption("Prepare the submission (resolve, render, write scripts) and print it; submit and record nothing.");
        var json = CommonOptions.JsonOption();
        var command = new Command("process", "Submit a processing step as a job, or a sweep of them.") { config, jobTarget, noCache, target, repeat, maxParallel, dryRun, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            CheckSweep(parsed.GetValue(target) ?? [], parsed.GetValue(repeat), parsed.GetValue(maxParallel));
            var file = await CommonOptions.LoadConfigAsync(parsed.GetValue(config), context, cancellationToken).ConfigureAwait(false);
            var targets = parsed.GetValue(target) is { Length: > 0 } given ? given.Select(t => (string?)t).ToArray() : [null];
            var repeats = parsed.GetValue(repeat);
            var sweep = targets.Length > 1 || repeats is not null;

            // Check what every task will need now, so a mistake is an error here rather than a failed job (or 1,000) later.
            var jobs = Build(file, parsed.GetValue(jobTarget), targets);
            var (entry, runner) = (jobs[0].JobEntry, jobs[0].Runner);
            var dry = parsed.GetValue(dryRun);
            var inner = new ProcessCommand(file.FullPath) { ProcessTarget = targets[0], Verbosity = context.Verbosity };
            var request = new JobRequest(inner) { DryRun = dry };
            if (sweep)
            {
                List<CliCommand> tasks = [.. targets.SelectMany(t => Enumerable.Repeat(inner with { ProcessTarget = t }, repeats ?? 1))];
                request = JobRequest.Sweep(tasks, parsed.GetValue(maxParallel)) with { DryRun = dry };
            }

            if (runner.ValidateSubmission(request) is { Count: > 0 } issues)
            {
                throw file.Locate(entry, issues);
            }

            if (runner.PredictEnvironment() is { } environment)
            {
                foreach (var job in jobs)
                {
                    file.Locate(job.StepEntry, () =>
                    {
                        job.Step.CheckRunnable(environment);
                        return true;
                    });
                }
            }

            var record = !dry && !parsed.GetValue(noCache);
            var store = context.Store;
            if (record)
            {
                // A job that ran but could not be recorded is a job lost: find out before it starts.
                try
                {
                    store.EnsureWritable(cancellationToken);
                }
                catch (JobStoreException ex)
                {
                    throw new JobStoreException(ex.Path, $"{ex.Message}; nothing was submitted", ex);
                }
            }

            if (request.Tasks is { } all)
            {
                context.Logger.LogInformation("submitting a sweep of {Count} tasks ({Targets} targets) to {Module} (jobs.{Target})", all.Count, targets.Length, runner.Module, entry.Name);
            }
            else
            {
                context.Logger.LogInformation("submitting '{Command}' to {Module} (jobs.{Target})", inner, runner.Module, entry.Name);
            }

            JobSubmission submission;
            try
            {
                submission = await runner.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Flepimop2ValidationException ex)
            {
                throw file.Locate(entry, ex.Issues);
            }

            switch (submission)
            {
                case JobDryRun dryRunResult when parsed.GetValue(json):
                    JsonOutput.WriteDryRun(context.Output, dryRunResult);
                    return ExitCodes.Ok;
                case JobDryRun dryRunResult:
                    context.Output.WriteLine($"would submit: {dryRunResult.Command}");
                    foreach (var (key, value) in dryRunResult.Details)
                    {
                        context.Output.WriteLine($"  {key}: {value}");
                    }

                    return ExitCodes.Ok;
                case JobHandle handle:
                    var recorded = !record || Record(context, store, handle, runner);
                    if (parsed.GetValue(json))
                    {
                        JsonOutput.WriteHandle(context.Output, handle);
                    }
                    else
                    {
                        context.Output.WriteLine(handle.ToString());
                    }

                    // A blocking job stopped by a signal has been recorded as cancelled; now the signal is answered.
                    cancellationToken.ThrowIfCancellationRequested();
                    return recorded ? ExitCodes.Ok : ExitCodes.Error;
                default:
                    throw new Flepimop2Exception($"the {runner.Module} runner returned neither a handle nor a dry run");
            }
        });
        return command;
    }

    /// <summary>
    /// The sweep options together (each alone is checked as it is parsed; a command validator cannot read a value that
    /// failed to parse, so these checks run first in the action).
    /// </summary>
    private static void CheckSweep(string[] targets, int? repeat, int? maxParallel)
    {
        if (targets.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new CliUsageException($"--target '{twice.Key}' is given {twice.Count()} times; to run a target several times use --repeat");
        }

        var tasks = (long)Math.Max(1, targets.Length) * (repeat ?? 1);
        if (tasks > JobRequest.MaxTasks)
        {
            throw new CliUsageException($"{targets.Length} targets x --repeat {repeat} make {tasks} tasks; a sweep has at most {JobRequest.MaxTasks}");
        }

        if (maxParallel is { } k && targets.Length <= 1 && repeat is null)
        {
            throw new CliUsageException($"--max-parallel {k} limits the tasks of a sweep; give several --target or --repeat");
        }
    }

    /// <summary>Builds the job of every target (one step each, one runner); every problem of every target is reported at once.</summary>
    private static List<Configuration.ConfiguredJob> Build(Configuration.ConfigurationFile file, string? jobTarget, IReadOnlyList<string?> targets)
    {
        var jobs = new List<Configuration.ConfiguredJob>();
        var problems = new List<Flepimop2ConfigurationException>();
        foreach (var processTarget in targets)
        {
            try
            {
                jobs.Add(file.BuildJob(jobTarget, Configuration.ConfigurationFile.ProcessSection, processTarget));
            }
            catch (Flepimop2ConfigurationException ex)
            {
                problems.AddRange(ex.Problems.Where(p => !problems.Any(q => q.Message == p.Message)));
            }
        }

        return problems.Count > 0 ? throw new Flepimop2ConfigurationException(problems) : jobs;
    }

    /// <summary>Records a submitted job; when that fails after all, says so plainly (the handle line still prints).</summary>
    private static bool Record(CliContext context, Store.JobStore store, JobHandle handle, JobRunner runner)
    {
        try
        {
            // Not cancellable: the job exists now, and its record is worth the wait for the lock.
            store.Save(handle, runner.ToConfiguration(), CancellationToken.None);
            return true;
        }
        catch (JobStoreException ex)
        {
            context.Error.WriteLine(
                $"error: job {handle.Key} was submitted, but it was not fully recorded in {store.Root}: {ex.Message}. " +
                "Keep the handle line printed below to follow it.");
            return false;
        }
    }
}
