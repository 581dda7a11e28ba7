using System.CommandLine;
using Flepimop2.Jobs;

namespace Flepimop2.Cli.Commands;

/// <summary><c>flepimop2 job logs JOB</c>: prints the job's output file.</summary>
internal static class JobLogsCommand
{
    public static Command Create(CliContext context)
    {
        var job = new Argument<string>("JOB") { Description = "A job key (shell-abc) or a bare job id." };
        var command = new Command("logs", "Print a job's output (stdout and stderr as the job wrote them).") { job };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var stored = context.Store.Find(parsed.GetValue(job)!);
            var files = JobRunners.Build(stored.JobConfig).GetLogFiles(stored.Handle);
            if (files.Count == 0)
            {
                throw new Flepimop2Exception($"job {stored.Key} kept no output file: a blocking job's output went to the terminal that submitted it");
            }

            foreach (var file in files)
            {
                if (!File.Exists(file))
                {
                    context.Error.WriteLine($"{stored.Key}: no output yet ({file} does not exist)");
                    continue;
                }

                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var stdout = Console.OpenStandardOutput();
                await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await stream.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
