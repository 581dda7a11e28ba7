using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Flepimop2.Cli.Commands;
using Flepimop2.Cli.Output;

namespace Flepimop2.Cli;

/// <summary>Parses the command line, runs the command, and turns every outcome into one exit code.</summary>
internal static class CliApplication
{
    /// <summary>
    /// How long a command has, after SIGINT or SIGTERM, to stop what it started and record it (a blocking job gets SIGTERM,
    /// then SIGKILL after 10 s). A second signal ends the wait at once.
    /// </summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        var error = new TerminalWriter(Console.Error);
        using var interrupt = new CancellationTokenSource();
        var signalled = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        TerminalWriter? results = null;
        var ended = 0;
        ITimer? grace = null;
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true;
            var code = c.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
            if (!signalled.TrySetResult(code))
            {
                // A second signal: the user does not want to wait for the command to wind down.
                Console.Error.WriteLine("interrupted again; exiting now");
                Environment.Exit(code);
            }

            interrupt.Cancel();
            // The command runs on the thread that started it, which may be stuck where no cancellation reaches (a read that
            // blocks): after the grace window the process ends from here, whatever that thread is doing.
            grace = TimeProvider.System.CreateTimer(_ => LeaveBehind(code), null, ShutdownGrace, Timeout.InfiniteTimeSpan);
        }

        void LeaveBehind(int code)
        {
            if (Interlocked.Exchange(ref ended, 1) != 0)
            {
                return;
            }

            error.WriteLine($"interrupted; the command did not stop within {ShutdownGrace.TotalSeconds:0} s and was left behind");
            try
            {
                results?.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // The results that could not be written are lost with the command; the exit code says why.
            }

            Environment.Exit(code);
        }

        // SIGTERM first: the runtime catches SIGINT only once it is registered here, so a process that catches SIGINT has both.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        if (ExactInput.CheckArguments(args) is { } changedArgument)
        {
            error.WriteLine($"error: {changedArgument}");
            return ExitCodes.Configuration;
        }

        string directory;
        try
        {
            directory = Environment.CurrentDirectory;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: the current directory no longer exists or cannot be read (was it deleted?); change to an existing directory and run flepimop2 again");
            return ExitCodes.Error;
        }

        if (ExactInput.CheckCurrentDirectory(directory) is { } changedDirectory)
        {
            error.WriteLine($"error: {changedDirectory}");
            return ExitCodes.Error;
        }

        if (LockTimeout(error) is not { } lockTimeout)
        {
            return ExitCodes.Usage;
        }

        // Results are buffered and written at the end (Console.Out flushes every line, which a 100,000-line
        // listing pays for); anything that hands the terminal to a child process flushes first.
        await using var output = results = new TerminalWriter(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false });
        var context = new CliContext(output, error, directory) { LockTimeout = lockTimeout };
        var root = BuildRoot(context);
        var (verbosity, rest) = Verbosity.Extract(args, ValuedOptionNames(root));
        // The provider's logger straight away: a LoggerFactory would build a dependency-injection container at every start,
        // which took a fifth of the time of a `job list` on an empty store.
        using var logs = new StderrLoggerProvider(error, Verbosity.ToLogLevel(verbosity), withStackTraces: verbosity >= 3);
        context.Verbosity = verbosity;
        context.Logger = logs.CreateLogger("flepimop2");

        if (CompletionCommand.CheckSuggestDirective(rest) is { } directiveProblem)
        {
            error.WriteLine($"error: {directiveProblem}");
            return ExitCodes.Usage;
        }

        // No response files: an argument such as a target named "@pick" is a value, never a file to expand.
        var parsed = root.Parse(rest, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }

            error.WriteLine($"Run '{string.Join(' ', ["flepimop2", .. CommandPath(parsed)])} --help' for usage.");
            return ExitCodes.Usage;
        }

        // The command runs on this thread, not handed to the pool: a command that never waits (most of them) then starts no
        // thread at all, which was a tenth of the start-up. A signal is answered on the runtime's own signal thread.
        try
        {
            var code = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interrupt.Token)
                .ConfigureAwait(false);
            return signalled.Task.IsCompleted ? signalled.Task.Result : code;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            error.WriteLine("interrupted");
            return signalled.Task.Result;
        }
        catch (Flepimop2ConfigurationException ex)
        {
            // Every problem of the file, one line each.
            foreach (var problem in ex.Problems)
            {
                error.WriteLine($"error: {problem.Message}");
            }

            return Fail(context, ex, ExitCodes.Configuration, printMessage: false);
        }
        catch (Exception ex) when (ex is Flepimop2ValidationException or CliInputException)
        {
            return Fail(context, ex, ExitCodes.Configuration);
        }
        catch (CliUsageException ex)
        {
            return Fail(context, ex, ExitCodes.Usage);
        }
        catch (Flepimop2Exception ex)
        {
            return Fail(context, ex, ExitCodes.Error);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(context, ex, ExitCodes.Error);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug, not a reported problem: still one line, with the trace at -vvv.
            error.WriteLine($"error: internal error ({ex.GetType().Name}): {ex.Message}; run with -vvv for the stack trace");
            if (context.Verbosity >= 3)
            {
                error.WriteLine(ex.ToString());
            }

            return ExitCodes.Error;
        }
        finally
        {
            // The command stopped in time: the grace window's end has nothing left to do.
            Interlocked.Exchange(ref ended, 1);
            grace?.Dispose();
        }
    }

    /// <summary>Builds the command tree; each command's action returns its exit code.</summary>
    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("flepimop2 job runners: submit configured steps or programs to a local shell, a Slurm cluster or a Grid Engine cell, and track them.")
        {
            Verbosity.HelpOption,
            StepCliCommand.Create(context, Configuration.ConfigurationFile.ProcessSection, "Run one configured processing step; exits with the step's exit code."),
            StepCliCommand.Create(context, Configuration.ConfigurationFile.SimulateSection, "Run one configured simulation step; exits with the step's exit code."),
            new Command("job", "Submit a step or any program as a job and track jobs: status, wait, cancel, logs.")
            {
                JobProcessCommand.Create(context),
                JobSimulateCommand.Create(context),
                JobRunCommand.Create(context),
                JobRetryCommand.Create(context),
                JobListCommand.Create(context),
                JobStatusCommand.Create(context),
                JobCancelCommand.Create(context),
                JobWaitCommand.Create(context),
                JobWatchCommand.Create(context),
                JobLogsCommand.Create(context),
                JobReportCommand.Create(context),
            },
            CompletionCommand.Create(context),
        };
        CompletionCommand.AddJobKeys(root, context);
        return root;
    }

    /// <summary>Every option name (aliases included) that takes a value, anywhere in the tree.</summary>
    private static HashSet<string> ValuedOptionNames(Command command)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Command>([command]);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            foreach (var option in next.Options.Where(o => o.ValueType != typeof(bool) && o.Arity.MaximumNumberOfValues > 0))
            {
                names.Add(option.Name);
                names.UnionWith(option.Aliases);
            }

            foreach (var sub in next.Subcommands)
            {
                pending.Push(sub);
            }
        }

        return names;
    }

    /// <summary><c>FLEPIMOP2_LOCK_TIMEOUT</c> (seconds), or 60 s; null (after saying why) when it is not a number of seconds.</summary>
    private static TimeSpan? LockTimeout(TextWriter error)
    {
        const double Max = 86_400;
        var text = Environment.GetEnvironmentVariable("FLEPIMOP2_LOCK_TIMEOUT");
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.FromSeconds(60);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds is >= 0 and <= Max)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        error.WriteLine($"error: FLEPIMOP2_LOCK_TIMEOUT must be a number of seconds from 0 to {Max} (one day), got '{text}'");
        return null;
    }

    private static List<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return names;
    }

    private static int Fail(CliContext context, Exception ex, int code, bool printMessage = true)
    {
        if (printMessage)
        {
            context.Error.WriteLine($"error: {ex.Message}");
        }

        if (context.Verbosity >= 3)
        {
            context.Error.WriteLine(ex.ToString());
        }

        return code;
    }
}
