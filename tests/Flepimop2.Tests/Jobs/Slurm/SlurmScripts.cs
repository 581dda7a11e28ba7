using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Slurm;

namespace Flepimop2.Tests.Jobs.Slurm;

/// <summary>Renders the scripts a Slurm runner would submit, without writing anything (the runner's own rendering, as a dry run uses it).</summary>
internal static class SlurmScripts
{
    public static RenderedScript Render(SlurmJobOptions options, IReadOnlyList<string> program, CliCommand command, string chdir) =>
        Rendered(new SlurmJobRunner(options).RenderScript(new JobRequest(command), program, chdir));

    public static RenderedScript RenderSweep(SlurmJobOptions options, IReadOnlyList<CliCommand> tasks, string table, string chdir, int? taskCount = null) =>
        Rendered(new SlurmJobRunner(options).RenderScript(JobRequest.Sweep(tasks) with { TaskCount = taskCount }, ["flepimop2"], chdir, table));

    private static RenderedScript Rendered((string Text, string JobName, Flepimop2.Jobs.Batch.BatchLogs Logs) script) =>
        new(script.Text, script.JobName, script.Logs.Output, script.Logs.Error);
}

/// <summary>A rendered script and the names it was rendered with.</summary>
internal sealed record RenderedScript(string Text, string JobName, string OutputPattern, string? ErrorPattern);
