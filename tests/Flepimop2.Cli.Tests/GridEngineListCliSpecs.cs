using Flepimop2.Tests.Common;

namespace Flepimop2.Cli.Tests;

/// <summary>
/// <c>job list</c> over a thousand live jobs on the real Grid Engine cell of this machine (scripts/gridengine/start-cell.sh):
/// their status costs one <c>qstat</c>, whatever their number (finished jobs are read from the accounting file, not asked).
/// </summary>
[Trait(Needs.Trait, Needs.GridEngine)]
public sealed class GridEngineListCliSpecs
{
    private static readonly string[] Tools = ["qsub", "qstat", "qdel", "qacct", "qalter", "qrls", "qhold"];

    [Fact]
    public async Task Job_list_over_a_thousand_live_jobs_makes_at_most_two_scheduler_calls()
    {
        GridEngineCell.Require();
        using var project = new TempProject("jobs:\n  ge: {module: gridengine}\n");
        var ids = project.Combine("ids");

        // A thousand held jobs, submitted straight to the cell (eight qsubs at a time), then recorded in the store.
        var submit = GridEngineCell.Run("sh", "-c", $"seq 1000 | xargs -P 8 -I{{}} qsub -h -b y -terse -N flepimop2-list-{{}} -o /dev/null -e /dev/null /bin/true > '{ids}'");
        try
        {
            Assert.True(submit.ExitCode == 0, submit.Output);
            Assert.Equal(1000, File.ReadAllLines(ids).Count(l => l.Length > 0));
            var saved = GridEngineCell.Run(CliRunner.Dummy, "process", "save-batch-handles", project.Combine(".flepimop2_cache", "job"), "gridengine", ids);
            Assert.True(saved.ExitCode == 0, saved.Output);

            var calls = project.Combine("calls.log");
            var environment = CountingTools.Put(project.Combine("counting tools"), calls, Tools);
            var list = await CliRunner.RunAsync(project.Path, environment, "job", "list");

            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Equal(1000, list.StdoutLines.Length);
            Assert.All(list.StdoutLines, l => Assert.EndsWith(" status=pending", l, StringComparison.Ordinal));
            var made = File.ReadAllLines(calls);
            Assert.True(made.Length is >= 1 and <= 2, string.Join('\n', made));
            Assert.Single(made, l => l.StartsWith("qstat ", StringComparison.Ordinal));
        }
        finally
        {
            if (File.Exists(ids))
            {
                GridEngineCell.Run("sh", "-c", $"xargs qdel < '{ids}' > /dev/null 2>&1");
            }
        }
    }
}
