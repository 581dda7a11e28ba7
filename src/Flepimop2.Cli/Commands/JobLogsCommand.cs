using System.CommandLine;
using Flepimop2.Configuration;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary><c>flepimop2 job logs JOB [--task I]</c>: prints the job's output file (a sweep's task's), as the job wrote it.</summary>
internal static class JobLogsCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Argument<string>("JOB") { Description = "A job key (shell-abc) or a bare job id." };
        var task = CommonOptions.TaskOption("Print one task of a sweep, by its index (from 0).");
        var command = new Command("logs", "Print a job's output (stdout and stderr as the job wrote them).") { job, task };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var stored = context.Store.Find(parsed.GetValue(job)!);
            var runner = JobRunners.Build(stored.JobConfig);
            IReadOnlyList<string> files;
            if (CommonOptions.CheckTask(parsed.GetValue(task), stored.Handle) is { } index)
            {
                files = runner.GetTaskLogFiles(stored.Handle, index);
            }
            else if (stored.Handle.SweepSize is { } size)
            {
                // A thousand tasks' output in one stream helps nobody: ask which.
                throw new CliUsageException($"job {stored.Key} is a sweep of {size} tasks, each with its own output; give --task I (0 to {size - 1}), and see 'flepimop2 job status {stored.Key}' for the failed ones");
            }
            else
            {
                files = runner.GetLogFiles(stored.Handle);
            }

            if (files.Count == 0)
            {
                throw new Flepimop2Exception($"job {stored.Key} kept no output file: {runner.NoLogFilesReason(stored.Handle)}");
            }

            foreach (var file in files)
            {
                Stream stream;
                try
                {
                    // Never blocks on a FIFO, never follows a link: a handle names the file, and a handle may be hostile.
                    stream = JobRunner.OpenLogFile(file);
                }
                catch (FileNotFoundException)
                {
                    context.Error.WriteLine($"{stored.Key}: no output yet ({file} does not exist)");
                    continue;
                }

                await using (stream.ConfigureAwait(false))
                {
                    // The output itself is printed as the job wrote it, colours included, like cat would.
                    var stdout = Console.OpenStandardOutput();
                    await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await stream.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
                    await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
