using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.GridEngine;
using Flepimop2.Tests.Common;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>
/// No text of a job's own is read by qsub as a directive, on the real cell: qsub reads <c>#$</c> lines anywhere in a
/// script, so a pre- or post-command that starts with one is refused, and what a job's arguments hold never starts a line.
/// </summary>
[Collection("gridengine")]
[Trait(Needs.Trait, Needs.GridEngine)]
public sealed class GridEngineScriptReadingCellSpecs(GridEngineCellFixture cell)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("#$ -N renamed")]
    [InlineData("  #$ -l h_rt=0:0:7")]
    [InlineData("module load x\n#$ -N renamed")]
    public void A_pre_or_post_command_starting_a_line_with_a_directive_never_reaches_qsub(string line)
    {
        var options = cell.Runner().Options;

        var pre = Assert.Throws<Flepimop2ConfigurationException>(() => new GridEngineJobRunner(options with { PreCommands = [line] }));
        var post = Assert.Throws<Flepimop2ConfigurationException>(() => new GridEngineJobRunner(options with { PostCommands = ["echo ok", line] }));

        Assert.Equal("pre-commands[0]", Assert.Single(pre.Problems).Field);
        Assert.Equal("post-commands[1]", Assert.Single(post.Problems).Field);
    }

    [Fact]
    public async Task Directive_text_in_a_jobs_arguments_and_commands_is_not_read_the_job_keeps_its_name_and_time_limit()
    {
        var settings = cell.Settings() with { Time = "5" };
        var options = GridEngineRunners.Create(settings).Options with
        {
            PreCommands = ["echo '#$ -N renamed-by-pre'"],
            PostCommands = ["echo done # #$ -l h_rt=0:0:7"],
        };
        var runner = new GridEngineJobRunner(options, new BatchRunnerParts(settings.Tools, TimeProvider.System, settings.FindTool));

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ArgvCommand(["echo", "#$ -N renamed-by-argument", "#$ -l h_rt=0:0:7"], runsFlepimop2: false)));
        var last = (await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience))[0];
        var script = File.ReadAllLines(handle.Metadata["script"]!.GetValue<string>());

        // The job's accounting line: field 5 is its name, field 40 its category (the resources it asked for).
        var record = File.ReadLines(runner.AccountingFile).Select(l => l.Split(':')).Last(f => f.Length > 40 && f[5] == handle.JobId);
        Assert.StartsWith("flepimop2.", record[4], StringComparison.Ordinal);
        Assert.DoesNotContain("renamed", string.Join(':', record), StringComparison.Ordinal);
        Assert.Contains("h_rt=300", record[39], StringComparison.Ordinal);
        Assert.DoesNotContain("h_rt=7", record[39], StringComparison.Ordinal);
        Assert.DoesNotContain(script, l => l.TrimStart().StartsWith("#$", StringComparison.Ordinal));
        Assert.Equal(JobStatus.Successful, last.Status);
    }
}
