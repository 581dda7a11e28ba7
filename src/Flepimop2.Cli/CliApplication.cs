using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using Flepimop2.Cli.Commands;
using Flepimop2.Cli.Output;
using Microsoft.Extensions.Logging;

namespace Flepimop2.Cli;

/// <summary>Parses the command line, runs the command, and turns every outcome into one exit code.</summary>
internal static class CliApplication
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (verbosity, rest) = Verbosity.Extract(args);
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(Verbosity.ToLogLevel(verbosity))
            .AddProvider(new StderrLoggerProvider(Verbosity.ToLogLevel(verbosity), withStackTraces: verbosity >= 3)));
        // Results are buffered and written at the end (Console.Out flushes every line, which a 100,000-line
        // listing pays for); anything that hands the terminal to a child process flushes first.
        await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        var context = new CliContext(output, Console.Error, loggerFactory.CreateLogger("flepimop2"), verbosity, Environment.CurrentDirectory);

        using var interrupt = new CancellationTokenSource();
        var signal = 0;
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true;
            signal = c.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
            interrupt.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var root = BuildRoot(context);
        var parsed = root.Parse(rest);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                context.Error.WriteLine($"error: {error.Message}");
            }

            context.Error.WriteLine($"Run '{string.Join(' ', ["flepimop2", .. CommandPath(parsed)])} --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interrupt.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            context.Error.WriteLine("interrupted");
            return signal;
        }
        catch (Flepimop2ConfigurationException ex)
        {
            return Fail(context, ex, ExitCodes.Configuration);
        }
        catch (Flepimop2ValidationException ex)
        {
            return Fail(context, ex, ExitCodes.Configuration);
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
            context.Error.WriteLine($"error: internal error ({ex.GetType().Name}): {ex.Message}; run with -vvv for the stack trace");
            if (context.Verbosity >= 3)
            {
                context.Error.WriteLine(ex.ToString());
            }

            return ExitCodes.Error;
        }
    }

    /// <summary>Builds the command tree; each command's action returns its exit code.</summary>
    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("flepimop2 job runners: submit configured steps to a local shell or a Slurm cluster and track them.")
        {
            Verbosity.HelpOption,
            ProcessCliCommand.Create(context),
            new Command("job", "Submit a step as a job and track jobs: status, wait, cancel, logs.")
            {
                JobProcessCommand.Create(context),
                JobListCommand.Create(context),
                JobStatusCommand.Create(context),
                JobCancelCommand.Create(context),
                JobWaitCommand.Create(context),
                JobLogsCommand.Create(context),
            },
        };
        return root;
    }

    private static List<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return names;
    }

    private static int Fail(CliContext context, Exception ex, int code)
    {
        context.Error.WriteLine($"error: {ex.Message}");
        if (context.Verbosity >= 3)
        {
            context.Error.WriteLine(ex.ToString());
        }

        return code;
    }
}
