using System.Globalization;
using System.Security;
using System.Text;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Scripted;

/// <summary>
/// Stands in for Son of Grid Engine 8.1.9's client tools on a single-host cell (host <c>vm</c>, queue <c>all.q</c>, 16
/// slots, as scripts/gridengine/start-cell.sh sets it up), running each batch script the runner wrote. What each tool
/// prints, and each accounting line, is modelled on what the real cell printed and wrote (Recorded/gridengine-8.1.9.txt).
/// </summary>
/// <remarks>
/// <c>qsub -terse</c> takes <c>-S -N -wd -cwd -j -o -e -V -l h_rt=… -l h_vmem=… -t 1-N -tc K -hold_jid IDS -q -pe -P -h</c>,
/// refuses another queue, an unknown resource and a bad time or size (consuming an id, as the qmaster does), and runs the
/// script with <c>-S</c>'s shell in <c>-wd</c>, both streams appended to <c>-o</c> (<c>$JOB_ID $TASK_ID $JOB_NAME $USER
/// $HOSTNAME</c>), with <c>JOB_ID</c>, <c>SGE_TASK_*</c>, and <c>SGE_ROOT</c>/<c>SGE_CELL</c> naming this stand-in's own
/// cell (under <see cref="ScriptedScheduler.Directory"/>), whose accounting file gets a line in the real format as each job
/// or task ends. <c>-hold_jid</c> holds a job until its predecessors have left, however they ended. <c>h_rt</c> is
/// enforced with SIGKILL (<c>failed</c> 37), <c>h_vmem</c> as each process's address-space limit and on the job's sampled
/// total (<c>failed</c> 37), <c>qdel</c> of a running job with SIGKILL (<c>failed</c> 100); a job deleted while pending
/// leaves no record; a job that exits 100 stays in <c>Eqw</c> until deleted (<c>failed</c> 30). Not emulated: exit 99's
/// requeue, several hosts or queues, parallel environments other than <c>smp</c>, <c>qacct</c>, <c>qstat</c> without
/// <c>-xml</c> or <c>-j</c>.
/// </remarks>
internal sealed class ScriptedGridEngine : ScriptedScheduler
{
    private const string Host = "vm";
    private const string Queue = "all.q";
    private const int SigKill = 9;

    private static readonly string[] TimeResources = ["h_rt", "s_rt", "h_cpu", "s_cpu"];
    private static readonly string[] SizeResources = ["h_vmem", "s_vmem", "mem_free", "h_data", "h_stack", "h_fsize"];
    private static readonly string[] ValueOptions = ["-S", "-N", "-wd", "-j", "-o", "-e", "-l", "-t", "-tc", "-hold_jid", "-q", "-P", "-b", "-v", "-m", "-M", "-A", "-a", "-ac", "-ar", "-dc", "-js", "-p", "-r", "-R", "-w", "-shell", "-now", "-i", "-c", "-ckpt", "-dl", "-jsv", "-masterq"];
    private static readonly string[] FlagOptions = ["-terse", "-V", "-cwd", "-h", "-notify", "-soft", "-hard", "-clear"];

    public ScriptedGridEngine(string directory)
        : base(directory, firstId: 31)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(AccountingFile)!);
        File.WriteAllText(AccountingFile, "# Version: 8.1.9\n# \n# DO NOT MODIFY THIS FILE MANUALLY!\n# \n");
    }

    /// <summary>The cell's accounting file, <c>$SGE_ROOT/$SGE_CELL/common/accounting</c> of its jobs.</summary>
    public string AccountingFile => Path.Combine(Directory, "default", "common", "accounting");

    /// <summary>The runner reads this cell's accounting file.</summary>
    public override RunnerSettings Settings(string directory) => base.Settings(directory) with { AccountingFile = AccountingFile };

    protected override ProcessResult Answer(IReadOnlyList<string> argv) => argv switch
    {
        ["qsub", ..] => Qsub(argv),
        ["qstat", .., "-xml"] => Ok(QstatXml()),
        ["qstat", "-j", var ids] => QstatJobs(ids),
        ["qdel", ..] => Qdel(argv),
        ["qrls", ..] => Qrls([.. argv.Skip(1)]),
        _ => new ProcessResult(1, string.Empty, $"{argv[0]}: this stand-in does not answer '{string.Join(' ', argv)}'\n"),
    };

    protected override Readiness ReadinessOf(ScriptedJob job)
    {
        var cell = (CellJob)job;
        return cell.UserHold || cell.Holds.Any(id => Find(id) is { } before && Live(before)) ? Readiness.Wait : Readiness.Go;
    }

    protected override void NeverReady(ScriptedJob job)
    {
        // -hold_jid waits for its predecessors to leave, whatever their end: never "never".
    }

    protected override Launch Launch(ScriptedTask task)
    {
        var job = (CellJob)task.Job;
        var range = job.IsArray ? job.Tasks : null;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["JOB_ID"] = job.Id,
            ["JOB_NAME"] = job.Name,
            ["REQUEST"] = job.Name,
            ["JOB_SCRIPT"] = job.Script,
            ["SGE_TASK_ID"] = task.Index?.ToString(CultureInfo.InvariantCulture) ?? "undefined",
            ["SGE_TASK_FIRST"] = range?[0].Index!.Value.ToString(CultureInfo.InvariantCulture) ?? "undefined",
            ["SGE_TASK_LAST"] = range?[^1].Index!.Value.ToString(CultureInfo.InvariantCulture) ?? "undefined",
            ["SGE_TASK_STEPSIZE"] = range is null ? "undefined" : "1",
            ["SGE_ROOT"] = Directory,
            ["SGE_CELL"] = "default",
            ["SGE_ARCH"] = "lx-amd64",
            ["SGE_ACCOUNT"] = "sge",
            ["SGE_O_WORKDIR"] = job.SubmitDirectory,
            ["SGE_CWD_PATH"] = job.WorkingDirectory,
            ["SGE_STDIN_PATH"] = "/dev/null",
            ["NSLOTS"] = job.Slots.ToString(CultureInfo.InvariantCulture),
            ["NHOSTS"] = "1",
            ["QUEUE"] = Queue,
            ["RESTARTED"] = "0",
            ["ENVIRONMENT"] = "BATCH",
        };
        var output = Expand(job.Output, task, 'o');
        var error = job.Merge ? output : Expand(job.Error, task, 'e');
        env["SGE_STDOUT_PATH"] = output;
        env["SGE_STDERR_PATH"] = error;
        return new Launch(env, output, error == output ? null : error, Append: true, job.MemoryBytes / 1024);
    }

    protected override void TimedOut(ScriptedTask task) => Kill(task, Stop.TimedOut, SigKill);

    protected override void Sampled(ScriptedTask task, long rssBytes, long vmemBytes)
    {
        // The execd kills a job whose processes together hold more virtual memory than its h_vmem.
        if (task.Job.MemoryBytes is { } limit && vmemBytes > limit && task.Stop == Stop.None)
        {
            Kill(task, Stop.OutOfMemory, SigKill);
        }
    }

    protected override void Ended(ScriptedTask task)
    {
        var (failed, exit) = task.Stop switch
        {
            Stop.Cancelled => (100, 128 + SigKill),
            Stop.TimedOut or Stop.OutOfMemory => (37, 128 + SigKill),
            _ when task.ExitCode == 100 => (30, 100),
            _ => (0, task.Signal > 0 ? 128 + task.Signal : task.ExitCode),
        };

        // Exit status 100 puts the job in error: it stays in qstat until deleted.
        task.InError = failed == 30;
        File.AppendAllText(AccountingFile, AccountingLine(task, failed, exit));
    }

    private static ProcessResult Ok(string stdout) => new(0, stdout, string.Empty);

    private static ProcessResult Refused(string why) => new(1, string.Empty, $"Unable to run job: {why}\nExiting.\n");

    /// <summary>Whether any task of a job is still in qstat: waiting, running, or in error.</summary>
    private static bool Live(ScriptedJob job) => job.Tasks.Any(Listed);

    private static bool Listed(ScriptedTask task) => task.State is TaskState.Pending or TaskState.Running || task.InError;

    private ProcessResult Qsub(IReadOnlyList<string> argv)
    {
        var values = new List<(string Option, string Value)>();
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var i = 1;
        for (; i < argv.Count && argv[i].StartsWith('-'); i++)
        {
            if (FlagOptions.Contains(argv[i]))
            {
                flags.Add(argv[i]);
            }
            else if (ValueOptions.Contains(argv[i]) && i + 1 < argv.Count)
            {
                values.Add((argv[i], argv[++i]));
            }
            else if (argv[i] == "-pe" && i + 2 < argv.Count)
            {
                values.Add(("-pe", argv[i + 1] + " " + argv[i + 2]));
                i += 2;
            }
            else
            {
                return new ProcessResult(2, string.Empty, $"qsub: invalid option argument \"{argv[i]}\"\n");
            }
        }

        if (i >= argv.Count || !File.Exists(argv[i]))
        {
            return new ProcessResult(14, string.Empty, $"Unable to read script file because of error: error opening {(i < argv.Count ? argv[i] : string.Empty)}: No such file or directory\n");
        }

        string? Last(string option) => values.LastOrDefault(v => v.Option == option).Value;

        // What the qmaster refuses, once it has given the job an id.
        var id = NextId();
        if (Last("-q") is { } queue && queue != Queue)
        {
            return Refused($"Job was rejected because job requests unknown queue \"{queue}\"");
        }

        var resources = values.Where(v => v.Option == "-l").SelectMany(v => v.Value.Split(',')).Select(r => r.Split('=', 2)).ToList();
        long? limit = null;
        long? memory = null;
        foreach (var resource in resources)
        {
            var (kind, value) = (resource[0], resource.Length > 1 ? resource[1] : string.Empty);
            if (TimeResources.Contains(kind))
            {
                if (Seconds(value) is not { } seconds)
                {
                    return Refused($"attribute \"{kind}\" is not a time value");
                }

                limit = kind == "h_rt" ? seconds : limit;
            }
            else if (SizeResources.Contains(kind))
            {
                if (Bytes(value) is not { } bytes)
                {
                    return Refused($"attribute \"{kind}\" is not a memory value");
                }

                memory = kind == "h_vmem" ? bytes : memory;
            }
            else
            {
                return Refused($"unknown resource \"{kind}\"");
            }
        }

        var slots = 1;
        if (Last("-pe") is { } pe)
        {
            var parts = pe.Split(' ');
            if (parts[0] != "smp" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out slots) || slots < 1)
            {
                return Refused($"job rejected: the requested parallel environment \"{parts[0]}\" does not exist");
            }
        }

        var tasks = new List<int>();
        if (Last("-t") is { } range)
        {
            var (first, last, step) = TaskRange(range);
            if (step < 1 || first < 1 || last < first)
            {
                return new ProcessResult(1, string.Empty, $"ERROR! -t option has illegal argument \"{range}\"\n");
            }

            for (var task = first; task <= last; task += step)
            {
                tasks.Add(task);
            }
        }

        var script = Path.GetFullPath(argv[i]);
        var chdir = Last("-wd") is { } wd ? Path.GetFullPath(wd) : flags.Contains("-cwd") ? Environment.CurrentDirectory : Environment.GetEnvironmentVariable("HOME") ?? "/";
        var name = Last("-N") ?? Path.GetFileName(script);
        string[] shell = Last("-S") is { } s ? [s] : File.ReadLines(script).FirstOrDefault() is { } line && line.StartsWith("#!", StringComparison.Ordinal) ? line[2..].Trim().Split(' ') : ["/bin/sh"];
        var job = new CellJob
        {
            Id = id,
            Name = name,
            Script = script,
            Command = Last("-b") is "y" ? [.. argv.Skip(i)] : [.. shell, script, .. argv.Skip(i + 1)],
            WorkingDirectory = chdir,
            SubmitDirectory = Environment.CurrentDirectory,
            LimitSeconds = limit,
            MemoryBytes = memory * slots,
            Slots = slots,
            Cap = int.TryParse(Last("-tc"), NumberStyles.None, CultureInfo.InvariantCulture, out var cap) && cap > 0 ? cap : null,
            IsArray = tasks.Count > 0,
            Output = Last("-o") ?? string.Empty,
            Error = Last("-e") ?? string.Empty,
            Merge = Last("-j") is "y" or "yes",
            Holds = Last("-hold_jid")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
            UserHold = flags.Contains("-h"),
            Category = resources.Count == 0 ? "NONE" : "-l " + string.Join(',', resources.Select(r => TimeResources.Contains(r[0]) ? $"{r[0]}={Seconds(r[1])}" : string.Join('=', r))),
        };
        foreach (var task in tasks.Count > 0 ? tasks : [0])
        {
            job.Tasks.Add(new ScriptedTask { Job = job, Index = task == 0 ? null : task });
        }

        Add(job);
        var terse = tasks.Count > 0 ? $"{id}.{tasks[0]}-{tasks[^1]}:{(tasks.Count > 1 ? tasks[1] - tasks[0] : 1)}" : id;
        return Ok(flags.Contains("-terse") ? terse + "\n" : $"Your job{(tasks.Count > 0 ? "-array" : string.Empty)} {terse} (\"{name}\") has been submitted\n");
    }

    /// <summary><c>qstat -u '*' -xml</c>: running tasks under <c>queue_info</c>, waiting ones under <c>job_info</c> (an array's as one list), in error each on its own.</summary>
    private string QstatXml()
    {
        var running = new StringBuilder();
        var pending = new StringBuilder();
        foreach (var job in Jobs.Cast<CellJob>())
        {
            foreach (var task in job.Tasks.Where(t => t.State == TaskState.Running))
            {
                running.Append(JobList(job, "running", task.Stop == Stop.None ? "r" : "dr", "JAT_start_time", task.Started!.Value, $"{Queue}@{Host}", task.Index?.ToString(CultureInfo.InvariantCulture)));
            }

            foreach (var task in job.Tasks.Where(t => t.InError))
            {
                pending.Append(JobList(job, "pending", "Eqw", "JB_submission_time", job.Submitted, string.Empty, task.Index?.ToString(CultureInfo.InvariantCulture)));
            }

            var waiting = job.Tasks.Where(t => t.State == TaskState.Pending).ToList();
            if (waiting.Count > 0)
            {
                var state = ReadinessOf(job) == Readiness.Wait ? "hqw" : "qw";
                pending.Append(JobList(job, "pending", state, "JB_submission_time", job.Submitted, string.Empty, job.IsArray ? TaskList(waiting.Select(t => t.Index!.Value)) : null));
            }
        }

        return "<?xml version='1.0'?>\n" +
            "<job_info  xmlns:xsd=\"http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd\">\n" +
            $"  <queue_info>\n{running}  </queue_info>\n" +
            $"  <job_info>\n{pending}  </job_info>\n" +
            "</job_info>\n";
    }

    private static string JobList(CellJob job, string kind, string state, string timeElement, DateTimeOffset time, string queue, string? tasks) =>
        $"    <job_list state=\"{kind}\">\n" +
        $"      <JB_job_number>{job.Id}</JB_job_number>\n" +
        $"      <JAT_prio>{(kind == "running" ? "0.50000" : "0.00000")}</JAT_prio>\n" +
        $"      <JB_name>{SecurityElement.Escape(job.Name)}</JB_name>\n" +
        $"      <JB_owner>{User}</JB_owner>\n" +
        $"      <state>{state}</state>\n" +
        $"      <{timeElement}>{time.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)}</{timeElement}>\n" +
        $"      <queue_name>{queue}</queue_name>\n" +
        $"      <slots>{job.Slots}</slots>\n" +
        (tasks is null ? string.Empty : $"      <tasks>{tasks}</tasks>\n") +
        "    </job_list>\n";

    /// <summary><c>qstat -j IDS</c>: a block for each job qstat still lists, with its error reasons; only unknown ones is an error.</summary>
    private ProcessResult QstatJobs(string ids)
    {
        var text = new StringBuilder();
        var unknown = new List<string>();
        foreach (var id in ids.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Find(id) is not CellJob job || !Live(job))
            {
                unknown.Add(id);
                continue;
            }

            text.Append("==============================================================\n")
                .Append(CultureInfo.InvariantCulture, $"job_number:                 {job.Id}\n")
                .Append(CultureInfo.InvariantCulture, $"owner:                      {User}\n")
                .Append(CultureInfo.InvariantCulture, $"cwd:                        {job.WorkingDirectory}\n")
                .Append(CultureInfo.InvariantCulture, $"job_name:                   {job.Name}\n")
                .Append(CultureInfo.InvariantCulture, $"script_file:                {job.Script}\n");
            if (job.Holds.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"jid_predecessor_list (req):  {string.Join(',', job.Holds)}\n");
            }

            foreach (var task in job.Tasks.Where(t => t.InError))
            {
                var when = task.Ended!.Value.ToLocalTime().ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"error reason    {task.Index ?? 1,6}:      {when} [0:{task.Pid}]: exit_status of job start = 100\n");
            }

            if (job.Tasks.Any(t => t.InError))
            {
                text.Append("scheduling info:            Job is in error state\n");
            }
        }

        return text.Length == 0
            ? new ProcessResult(1, string.Empty, $"Following jobs do not exist: \n{string.Join(", ", unknown)}\n")
            : Ok(text.ToString());
    }

    /// <summary><c>qdel ID... [-t RANGE]</c> and <c>qdel ID.TASK</c>: running tasks are killed, waiting ones and those in error removed.</summary>
    /// <summary><c>qrls ID...</c>: lifts the user hold of each job (<c>qsub -h</c>), as the cell prints it.</summary>
    private ProcessResult Qrls(IReadOnlyList<string> ids)
    {
        var text = new StringBuilder();
        var code = 0;
        foreach (var id in ids)
        {
            if (Find(id) is not CellJob { } job || !Live(job))
            {
                text.Append(CultureInfo.InvariantCulture, $"denied: job \"{id}\" does not exist\n");
                code = 1;
                continue;
            }

            job.UserHold = false;
            text.Append(CultureInfo.InvariantCulture, $"modified hold of job {id}\n");
        }

        return new ProcessResult(code, text.ToString(), string.Empty);
    }

    private ProcessResult Qdel(IReadOnlyList<string> argv)
    {
        var targets = new List<(string Id, List<int>? Tasks)>();
        for (var i = 1; i < argv.Count; i++)
        {
            if (argv[i] == "-t" && i + 1 < argv.Count && targets.Count > 0)
            {
                targets[^1] = (targets[^1].Id, TaskRangeList(argv[++i]).ToList());
            }
            else
            {
                var dot = argv[i].IndexOf('.', StringComparison.Ordinal);
                targets.Add(dot < 0 ? (argv[i], null) : (argv[i][..dot], TaskRangeList(argv[i][(dot + 1)..]).ToList()));
            }
        }

        var text = new StringBuilder();
        var code = 0;
        foreach (var (id, numbers) in targets)
        {
            if (Find(id) is not { } job || !Live(job))
            {
                text.Append(CultureInfo.InvariantCulture, $"denied: job \"{id}\" does not exist\n");
                code = 1;
                continue;
            }

            var removed = false;
            foreach (var task in job.Tasks.Where(t => numbers is null || numbers.Contains(t.Index ?? 0)))
            {
                var name = job.IsArray ? $"job-array task {job.Id}.{task.Index}" : $"job {job.Id}";
                if (task.State == TaskState.Running)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{User} has registered the {name} for deletion\n");
                    Kill(task, Stop.Cancelled, SigKill);
                }
                else if (task.State == TaskState.Pending || task.InError)
                {
                    task.State = task.InError ? TaskState.Ended : TaskState.Removed;
                    task.InError = false;
                    removed = true;
                    if (numbers is not null)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{User} has deleted {name}\n");
                    }
                }
            }

            if (removed && numbers is null)
            {
                text.Append(CultureInfo.InvariantCulture, $"{User} has deleted job {job.Id}\n");
            }
        }

        return new ProcessResult(code, text.ToString(), string.Empty);
    }

    /// <summary>An output path for one task: <c>$JOB_ID $TASK_ID $JOB_NAME $USER $HOSTNAME $HOME</c> replaced; a directory or nothing gets NAME.oID[.TASK].</summary>
    private static string Expand(string pattern, ScriptedTask task, char stream)
    {
        var job = (CellJob)task.Job;
        var own = $"{job.Name}.{stream}{job.Id}{(task.Index is { } n ? $".{n}" : string.Empty)}";
        var path = pattern
            .Replace("$JOB_ID", job.Id, StringComparison.Ordinal)
            .Replace("$TASK_ID", task.Index?.ToString(CultureInfo.InvariantCulture) ?? "undefined", StringComparison.Ordinal)
            .Replace("$JOB_NAME", job.Name, StringComparison.Ordinal)
            .Replace("$USER", User, StringComparison.Ordinal)
            .Replace("$HOSTNAME", Host, StringComparison.Ordinal)
            .Replace("$HOME", Environment.GetEnvironmentVariable("HOME") ?? "/", StringComparison.Ordinal);
        path = path.Length == 0 ? own : Path.GetFullPath(path, job.WorkingDirectory);
        return System.IO.Directory.Exists(path) ? Path.Combine(path, own) : Path.GetFullPath(path, job.WorkingDirectory);
    }

    /// <summary>One line of accounting(5), the 45 fields as the real cell writes them.</summary>
    private string AccountingLine(ScriptedTask task, int failed, int exit)
    {
        var job = (CellJob)task.Job;
        var submitted = job.Submitted.ToUnixTimeSeconds();
        var start = task.Started?.ToUnixTimeSeconds() ?? 0;
        var end = task.Ended!.Value.ToUnixTimeSeconds();
        var cpu = task.CpuSeconds;
        string[] fields =
        [
            Queue, Host, User, User, job.Name, job.Id, "sge", "0",
            $"{submitted}", $"{start}", $"{end}", $"{failed}", $"{exit}", $"{ElapsedSeconds(task)}",
            F(cpu * 0.9), F(cpu * 0.1), F(task.PeakRssBytes / 1024.0),
            "0", "0", "0", "0", "0", "0", "0", "0.000000", "0", "0", "0", "0", "0", "0",
            "NONE", "defaultdepartment", "NONE", $"{job.Slots}", $"{task.Index ?? 0}",
            F(cpu), "0.000000", "0.000000", job.Category, "0.000000", "NONE", F(task.PeakVmemBytes), "0", "0",
        ];
        return string.Join(':', fields) + "\n";

        static string F(double value) => value.ToString("0.000000", CultureInfo.InvariantCulture);
    }

    /// <summary>A task range: <c>N</c>, <c>A-B</c>, <c>A-B:S</c>.</summary>
    private static (int First, int Last, int Step) TaskRange(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var step = colon < 0 ? 1 : int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var bounds = (colon < 0 ? text : text[..colon]).Split('-');
        var first = int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
        var last = bounds.Length > 1 ? (int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0) : first;
        return (first, last, step);
    }

    private static IEnumerable<int> TaskRangeList(string text)
    {
        var (first, last, step) = TaskRange(text);
        for (var task = first; step > 0 && task <= last; task += step)
        {
            yield return task;
        }
    }

    /// <summary>Waiting tasks as qstat lists them: runs of three or more as <c>A-B:1</c>, others one by one, joined by commas.</summary>
    private static string TaskList(IEnumerable<int> tasks) =>
        string.Join(',', Runs(tasks).SelectMany(r => r.To - r.From >= 2
            ? new[] { $"{r.From}-{r.To}:1" }.AsEnumerable()
            : Enumerable.Range(r.From, r.To - r.From + 1).Select(t => $"{t}")));

    /// <summary>Grid Engine's time values: seconds, or <c>[[H:]M:]S</c>.</summary>
    private static long? Seconds(string text)
    {
        var total = 0L;
        foreach (var part in text.Split(':'))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }

            total = (total * 60) + n;
        }

        return text.Split(':').Length <= 3 ? total : null;
    }

    /// <summary>Grid Engine's memory values: bytes, or with k/m/g (1000s) or K/M/G (1024s).</summary>
    private static long? Bytes(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var scale = text[^1] switch { 'k' => 1000L, 'm' => 1000L * 1000, 'g' => 1000L * 1000 * 1000, 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        var number = char.IsAsciiLetter(text[^1]) ? text[..^1] : text;
        return decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? (long)(n * scale) : null;
    }

    /// <summary>What qsub keeps of a job besides what every stand-in does.</summary>
    private sealed class CellJob : ScriptedJob
    {
        public required string Script { get; init; }

        public required string SubmitDirectory { get; init; }

        public required string Output { get; init; }

        public required string Error { get; init; }

        public bool Merge { get; init; }

        public int Slots { get; init; } = 1;

        public string[] Holds { get; init; } = [];

        public bool UserHold { get; set; }

        public required string Category { get; init; }
    }
}
