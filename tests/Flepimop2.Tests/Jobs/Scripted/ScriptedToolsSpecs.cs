using System.Diagnostics;
using System.Text.RegularExpressions;
using Flepimop2.Jobs;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Scripted;

/// <summary>
/// The stand-ins print what the real tools printed. Each runs jobs like those recorded on the real cluster and cell
/// (Recorded/*.txt) and every line it prints has the shape of a line the real tool printed there, numbers aside (and the
/// ranges of array tasks read as ranges); where the real tool's lines are all reachable, each of their shapes is printed too.
/// </summary>
public sealed partial class ScriptedToolsSpecs : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task The_Slurm_stand_in_prints_squeue_and_sacct_lines_shaped_as_the_cluster_printed_them()
    {
        using var slurm = new ScriptedSlurm(_temp.Combine("slurm"));
        var script = Script("ok.sh", $"#!/bin/bash\n#SBATCH --mem=50M\n#SBATCH --output={_temp.Path}/slurm-%j.out\n#SBATCH --chdir={_temp.Path}\nsleep \"$1\"\nexit \"$2\"\n");
        var ok = await SubmitAsync(slurm, "sbatch", "--parsable", script, "1", "0");
        var failing = await SubmitAsync(slurm, "sbatch", "--parsable", script, "1", "7");
        var cancelled = await SubmitAsync(slurm, "sbatch", "--parsable", script, "100", "0");
        var timedOut = await SubmitAsync(slurm, "sbatch", "--parsable", "--time=1", script, "100", "0");
        var array = await SubmitAsync(slurm, "sbatch", "--parsable", "--array=0-5%2", script, "1", "3");
        var never = await SubmitAsync(slurm, "sbatch", "--parsable", $"--dependency=afterok:{failing}", "--kill-on-invalid-dep=yes", script, "1", "0");
        var after = await SubmitAsync(slurm, "sbatch", "--parsable", $"--dependency=afterany:{cancelled}", script, "1", "0");
        var sleeping = await SubmitAsync(slurm, "sbatch", "--parsable", "--array=0-4%2", script, "100", "0");
        var ids = string.Join(',', ok, failing, cancelled, timedOut, array, never, after, sleeping);
        var printed = new HashSet<string>(StringComparer.Ordinal);

        // As on the cluster: the long job and one task of the sleeping array are cancelled once they run, then the whole array.
        var clock = Stopwatch.StartNew();
        TimeSpan? sleepingSince = null;
        TimeSpan? lastSince = null;
        while (true)
        {
            var queue = (await slurm.RunAsync(["squeue", "-t", "all", "-r", "-h", "-O", "JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:", "-j", ids], Patience, default)).Stdout;
            var accounting = (await slurm.RunAsync(["sacct", "-P", "-n", "-o", "JobID,JobIDRaw,State,ExitCode,Elapsed,NodeList,MaxRSS,ReqMem,TotalCPU,AllocCPUS,Timelimit", "-j", ids], Patience, default)).Stdout;
            printed.UnionWith(Lines(queue + accounting).Select(Shape));
            // Each is cancelled after it has run for a while, as on the cluster, so that its memory was sampled even on a loaded machine.
            if (queue.Contains($"{sleeping}_1|RUNNING", StringComparison.Ordinal))
            {
                sleepingSince ??= clock.Elapsed;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(1.5) && queue.Contains($"{cancelled}|RUNNING", StringComparison.Ordinal)
                && clock.Elapsed - sleepingSince > TimeSpan.FromSeconds(1))
            {
                await slurm.RunAsync(["scancel", cancelled], Patience, default);
                await slurm.RunAsync(["scancel", $"{sleeping}_1"], Patience, default);
            }

            if (queue.Contains($"{sleeping}_2|RUNNING", StringComparison.Ordinal))
            {
                lastSince ??= clock.Elapsed;
            }

            if (clock.Elapsed - lastSince > TimeSpan.FromSeconds(1))
            {
                await slurm.RunAsync(["scancel", sleeping], Patience, default);
            }

            if (!queue.Contains("|PENDING|", StringComparison.Ordinal) && !queue.Contains("|RUNNING|", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(clock.Elapsed < Patience, $"the jobs did not end within {Patience.TotalSeconds} s:\n{queue}");
            await Task.Delay(200);
        }

        var recorded = Recorded("slurm-22.05.txt", "squeue -t all", "sacct -P -n").Select(Shape).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(printed.Except(recorded).Order(StringComparer.Ordinal));
        Assert.Empty(recorded.Except(printed).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_Grid_Engine_stand_in_prints_qstat_xml_and_accounting_lines_shaped_as_the_cell_printed_and_wrote_them()
    {
        using var cell = new ScriptedGridEngine(_temp.Combine("cell"));
        var script = Script("ge.sh", "#!/bin/bash\nsleep \"$1\"\nexit \"$2\"\n");
        string[] qsub = ["qsub", "-terse", "-S", "/bin/bash", "-wd", _temp.Path, "-j", "y", "-V"];
        const string Output = "gridengine-$JOB_ID.out";
        const string TaskOutput = "gridengine-$JOB_ID.$TASK_ID.out";
        await SubmitAsync(cell, [.. qsub, "-N", "ok", "-o", Output, script, "1", "0"]);
        await SubmitAsync(cell, [.. qsub, "-N", "fail", "-o", Output, script, "1", "7"]);
        var deleted = await SubmitAsync(cell, [.. qsub, "-N", "long", "-o", Output, script, "100", "0"]);
        await SubmitAsync(cell, [.. qsub, "-N", "rt", "-l", "h_rt=0:0:5", "-o", Output, script, "100", "0"]);
        await SubmitAsync(cell, [.. qsub, "-N", "arr", "-t", "1-6", "-tc", "2", "-o", TaskOutput, script, "1", "3"]);
        await SubmitAsync(cell, [.. qsub, "-N", "held", "-hold_jid", deleted, "-o", Output, script, "1", "0"]);
        var inError = await SubmitAsync(cell, [.. qsub, "-N", "e100", "-o", Output, script, "1", "100"]);
        var sleeping = (await SubmitAsync(cell, [.. qsub, "-N", "arr2", "-t", "1-4", "-tc", "2", "-o", TaskOutput, script, "100", "0"])).Split('.')[0];
        var printed = new HashSet<string>(StringComparer.Ordinal);

        // As on the cell: the long job is deleted once it runs, the one in error once seen so, one task of the sleeping array, then the whole.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var xml = (await cell.RunAsync(["qstat", "-u", "*", "-xml"], Patience, default)).Stdout;
            var lists = JobLists(xml);
            printed.UnionWith(lists.Select(Shape));
            if (clock.Elapsed > TimeSpan.FromSeconds(1.5) && lists.Any(l => l.Contains($">{deleted}<", StringComparison.Ordinal) && l.Contains("<state>r<", StringComparison.Ordinal)))
            {
                await cell.RunAsync(["qdel", deleted], Patience, default);
                await cell.RunAsync(["qdel", sleeping, "-t", "2"], Patience, default);
            }

            if (lists.Any(l => l.Contains($">{inError}<", StringComparison.Ordinal) && l.Contains("<state>Eqw<", StringComparison.Ordinal)))
            {
                await cell.RunAsync(["qdel", inError], Patience, default);
            }

            if (lists.Any(l => l.Contains($">{sleeping}<", StringComparison.Ordinal) && l.Contains("<state>r<", StringComparison.Ordinal) && l.Contains("<tasks>3<", StringComparison.Ordinal)))
            {
                await cell.RunAsync(["qdel", sleeping], Patience, default);
            }

            if (lists.Count == 0)
            {
                break;
            }

            Assert.True(clock.Elapsed < Patience, $"the jobs did not leave within {Patience.TotalSeconds} s:\n{xml}");
            await Task.Delay(200);
        }

        // The real cell's running tasks were seen in <state>t</state> (being transferred), which the stand-in skips.
        var recordedLists = JobLists(string.Join('\n', Recorded("gridengine-8.1.9.txt", "qstat -u"))).Select(Shape).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(printed.Except(recordedLists).Order(StringComparer.Ordinal));
        var accounting = File.ReadAllLines(cell.AccountingFile);
        var recordedAccounting = Recorded("gridengine-8.1.9.txt", "$SGE_ROOT/$SGE_CELL/common/accounting");
        Assert.Equal(recordedAccounting.Take(4), accounting.Take(4));
        Assert.Equal(recordedAccounting.Skip(4).Select(AccountingShape).ToHashSet(StringComparer.Ordinal).Order(StringComparer.Ordinal), accounting.Skip(4).Select(AccountingShape).ToHashSet(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task While_sacct_cannot_reach_the_database_status_comes_from_the_controller_and_the_exit_records_and_says_so()
    {
        using var slurm = new ScriptedSlurm(_temp.Combine("slurm"));
        var runner = SlurmRunners.Create(slurm.Settings(Directory.CreateDirectory(_temp.Combine("jobs")).FullName));
        var handle = await RunnerSteps.SubmitAsync(runner, "exit", "5");
        await RunnerSteps.WaitFinishedAsync(runner, [handle], Patience, TimeSpan.FromMilliseconds(100));

        // What sacct says while slurmdbd is down.
        slurm.Refuse("sacct", 1, "sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:localhost:6819: Connection refused\nsacct: error: Problem talking to the database: Connection refused\n");
        var down = await runner.StatusAsync(handle);
        slurm.Heal("sacct");
        var again = await runner.StatusAsync(handle);

        Assert.Equal(JobStatus.Failed, down.Status);
        Assert.Equal("5", down.Detail["exit_code"]!.ToString());
        Assert.Contains("accounting did not answer", down.Detail["note"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Problem talking to the database: Connection refused", down.Detail["note"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("sacct, exit record", again.Detail["source"]!.ToString());
        Assert.Equal(JobStatus.Failed, again.Status);
        Assert.Equal("5", again.Detail["exit_code"]!.ToString());
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>The lines of the sections of a recording whose titles start with any of <paramref name="titles"/>.</summary>
    private static List<string> Recorded(string file, params string[] titles)
    {
        var lines = new List<string>();
        var keep = false;
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Jobs", "Scripted", "Recorded", file)))
        {
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                keep = titles.Any(t => line[3..].StartsWith(t, StringComparison.Ordinal));
            }
            else if (keep && line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>A line with its numbers as 9 and the body of an array task range as R.</summary>
    private static string Shape(string line) => Numbers().Replace(TaskRange().Replace(line, "_[R]"), "9");

    /// <summary>An accounting line's shape, with the job's name (field 5) as NAME.</summary>
    private static string AccountingShape(string line)
    {
        var fields = line.Split(':');
        fields[4] = "NAME";
        return Shape(string.Join(':', fields));
    }

    /// <summary>Each job_list element of qstat's XML on one line, its job's name as NAME.</summary>
    private static List<string> JobLists(string xml) =>
        [.. JobList().Matches(xml).Select(m => JobName().Replace(Whitespace().Replace(m.Value, " "), "<JB_name>NAME</JB_name>"))];

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<string> SubmitAsync(IProcessRunner tools, params string[] argv)
    {
        var result = await tools.RunAsync(argv, Patience, default);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Trim();
    }

    private string Script(string name, string text)
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"_\[[^\]]*\]")]
    private static partial Regex TaskRange();

    [GeneratedRegex(@"<job_list state=""[a-z]+"">.*?</job_list>", RegexOptions.Singleline)]
    private static partial Regex JobList();

    [GeneratedRegex(@"<JB_name>[^<]*</JB_name>")]
    private static partial Regex JobName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
