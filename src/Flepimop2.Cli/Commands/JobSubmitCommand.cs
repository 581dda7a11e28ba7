using System.CommandLine;
using Flepimop2.Commands;
using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli.Commands;

/// <summary>
/// What <c>job process</c>, <c>job simulate</c> and <c>job run</c> share: the options of every submission
/// (<c>-j</c>, <c>--no-cache</c>, <c>--repeat</c>, <c>--max-parallel</c>, <c>--dry-run</c>, <c>--json</c>, <c>--after</c>,
/// <c>--after-any</c>) and the flow
/// behind them. It checks the command line, builds the runner and the tasks (a <see cref="TaskSource"/>, the one part the
/// commands differ in) reporting every configuration problem at once, validates the submission, makes sure the store can
/// take the record, submits, prints the handle line or the dry run, and records the job. Several tasks or <c>--repeat</c>
/// make a sweep: one submission of every task, tracked as one job. Nothing is submitted that could not be recorded.
/// An option every submitting command takes is added here once: declared below, added in <see cref="Create"/>, and
/// applied in <see cref="Request"/>.
/// </summary>
internal sealed class JobSubmitCommand
{
    private readonly CliContext _context;
    private readonly TaskSource _source;

    private readonly Option<string?> _jobTarget = new("--job-target", "-j") { Description = "The 'jobs' target (runner) to submit to; the first one by default." };

    private readonly Option<bool> _noCache = new("--no-cache") { Description = "Do not record the job in .flepimop2_cache/job." };

    private readonly Option<int?> _repeat = new("--repeat")
    {
        Description = "Run each task N times, as one sweep (each task gets FLEPIMOP2_TASK_INDEX and FLEPIMOP2_TASK_COUNT).",
        CustomParser = CommonOptions.ParseCount("--repeat", minimum: 1, maximum: JobRequest.MaxTasks),
    };

    private readonly Option<int?> _maxParallel = new("--max-parallel")
    {
        Description = "Run at most K tasks of the sweep at once (Slurm: the array's %K limit); the runner's max-parallel by default.",
        CustomParser = CommonOptions.ParseCount("--max-parallel", minimum: 1, maximum: JobRequest.MaxTasks),
    };

    private readonly Option<int?> _tasksPerJob = new("--tasks-per-job")
    {
        Description = "Pack M tasks of the sweep into each scheduler task, run one after another (each keeps its index, exit record, log and status); the runner's tasks-per-job by default.",
        CustomParser = CommonOptions.ParseCount("--tasks-per-job", minimum: 1, maximum: JobRequest.MaxTasks),
    };

    private readonly Option<bool> _dryRun = CommonOptions.DryRunOption("Prepare the submission (resolve, render, write scripts) and print it; submit and record nothing.");

    private readonly Option<bool> _json = CommonOptions.JsonOption();

    private readonly AfterOptions _after = new();

    private readonly Option<string?> _sizeFrom = new("--size-from")
    {
        Description = "Ask for the memory and time an ended job KEY used (its largest peak and longest run, times 1.25) instead of the configured ones.",
        HelpName = "KEY",
    };

    private JobSubmitCommand(CliContext context, TaskSource source)
    {
        _context = context;
        _source = source;
    }

    /// <summary>A <c>job</c> subcommand that submits the tasks <paramref name="source"/> makes.</summary>
    public static Command Create(CliContext context, string name, string description, TaskSource source)
    {
        var submit = new JobSubmitCommand(context, source);
        var command = new Command(name, description);
        foreach (var symbol in source.Symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
                default:
                    throw new ArgumentException($"{symbol.Name} is neither an argument nor an option", nameof(source));
            }
        }

        foreach (var option in new Option[] { submit._jobTarget, submit._noCache, submit._repeat, submit._maxParallel, submit._tasksPerJob, submit._dryRun, submit._json, submit._sizeFrom }.Concat(submit._after.Options))
        {
            command.Options.Add(option);
        }

        command.SetAction(submit.RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        // The command line first: a mistake there costs nothing to find, and nothing is read for it.
        var variants = _source.CheckCommandLine(parsed);
        CheckSweep(variants, parsed.GetValue(_repeat), parsed.GetValue(_maxParallel), parsed.GetValue(_tasksPerJob));
        _after.CheckCommandLine(parsed);
        CommonOptions.CheckEnvironment();
        var given = await CommonOptions.LoadConfigAsync(_source.ConfigPath(parsed), _context, cancellationToken).ConfigureAwait(false);
        var file = StreamedConfiguration.Locate(given, _context.Store);
        var (entry, runner, plan) = Build(parsed, file);
        if (parsed.GetValue(_sizeFrom) is { } sizeFrom)
        {
            runner = await SizeFromAsync(sizeFrom, runner, cancellationToken).ConfigureAwait(false);
        }

        var request = Request(parsed, plan.Variants) with { After = _after.Resolve(parsed, _context.Store), ConfigPath = file.FullPath };
        if (runner.ValidateSubmission(request) is { Count: > 0 } issues)
        {
            throw file.Locate(entry, issues);
        }

        plan.Check(runner);
        var dry = request.DryRun;
        var record = !dry && !parsed.GetValue(_noCache);
        var store = _context.Store;
        SubmissionRecord? before = null;
        if (record)
        {
            SubmissionOutput.EnsureRecordable(store, cancellationToken);
            before = new SubmissionRecord(store, runner);
            request = before.Attach(request);
        }

        if (!dry)
        {
            StreamedConfiguration.Write(given, file);
            if (!ReferenceEquals(given, file))
            {
                _context.Logger.LogInformation("{Config} came through a pipe; the job reads the copy kept at {Copy}", given.DisplayPath, file.FullPath);
            }
        }

        if (request.Tasks is { } all)
        {
            _context.Logger.LogInformation("submitting a sweep of {Count} tasks ({Variants} different) to {Module} (jobs.{Target})", all.Count, plan.Variants.Count, runner.Module, entry.Name);
        }
        else
        {
            _context.Logger.LogInformation("submitting '{Command}' to {Module} (jobs.{Target})", request.Command, runner.Module, entry.Name);
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

        return SubmissionOutput.Print(_context, parsed.GetValue(_json), submission, record ? store : null, runner, cancellationToken, before: before);
    }

    /// <summary>
    /// The runner with the memory and time the ended job <paramref name="key"/> used; a job of another backend (whose figures
    /// mean something else), one without figures, or limits the runner refuses are refused.
    /// </summary>
    private async Task<JobRunner> SizeFromAsync(string key, JobRunner runner, CancellationToken cancellationToken)
    {
        var stored = _context.Store.Find(key);
        if (stored.Handle.Backend != runner.Backend)
        {
            throw new CliUsageException($"--size-from {stored.Key}: it ran on {stored.Handle.Backend}, whose figures do not size a {runner.Backend} job; name a {runner.Backend} job");
        }

        var status = await JobRunners.Build(stored.JobConfig).StatusAsync(stored.Handle, cancellationToken).ConfigureAwait(false);
        var size = JobSizing.From(_context, "--size-from", status);
        return JobSizing.Override(stored.Key, runner, size.ToLimits(), "--size-from");
    }

    /// <summary>The submission: one command, or a sweep of each variant <c>--repeat</c> times; with every shared option applied.</summary>
    private JobRequest Request(ParseResult parsed, IReadOnlyList<CliCommand> variants)
    {
        var repeats = parsed.GetValue(_repeat);
        var request = variants.Count > 1 || repeats is not null
            ? JobRequest.Sweep([.. variants.SelectMany(v => Enumerable.Repeat(v, repeats ?? 1))], parsed.GetValue(_maxParallel))
            : new JobRequest(variants[0]);
        return request with { DryRun = parsed.GetValue(_dryRun), TasksPerJob = request.IsSweep ? parsed.GetValue(_tasksPerJob) : null };
    }

    /// <summary>The runner and the tasks; every problem of both at once (a file with <c>jobs: 5</c> and no step section gets both lines).</summary>
    private (ModuleEntry Entry, JobRunner Runner, TaskPlan Plan) Build(ParseResult parsed, ConfigurationFile file)
    {
        var problems = new List<ConfigurationProblem>();
        (ModuleEntry Entry, JobRunner Runner)? runner = null;
        TaskPlan? plan = null;
        try
        {
            runner = file.BuildRunner(parsed.GetValue(_jobTarget));
        }
        catch (Flepimop2ConfigurationException ex)
        {
            problems.AddRange(ex.Problems);
        }

        try
        {
            plan = _source.Plan(parsed, file);
        }
        catch (Flepimop2ConfigurationException ex)
        {
            problems.AddRange(ex.Problems);
        }

        if (problems.Count > 0)
        {
            // A problem every task shares (a missing section) is one line, not one per task.
            throw new Flepimop2ConfigurationException(problems.DistinctBy(p => p.Message));
        }

        return (runner!.Value.Entry, runner.Value.Runner, plan!);
    }

    /// <summary>
    /// The sweep options together (each alone is checked as it is parsed; a command validator cannot read a value that
    /// failed to parse, so these checks run first in the action).
    /// </summary>
    private void CheckSweep(int variants, int? repeat, int? maxParallel, int? tasksPerJob)
    {
        var tasks = (long)variants * (repeat ?? 1);
        if (tasks > JobRequest.MaxTasks)
        {
            throw new CliUsageException($"{variants} targets x --repeat {repeat} make {tasks} tasks; a sweep has at most {JobRequest.MaxTasks}");
        }

        if (maxParallel is { } k && variants <= 1 && repeat is null)
        {
            throw new CliUsageException($"--max-parallel {k} limits the tasks of a sweep; {_source.SweepHint}");
        }

        if (tasksPerJob is { } m && variants <= 1 && repeat is null)
        {
            throw new CliUsageException($"--tasks-per-job {m} packs the tasks of a sweep; {_source.SweepHint}");
        }
    }
}
