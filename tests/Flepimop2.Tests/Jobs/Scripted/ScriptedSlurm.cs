using System.Globalization;
using System.Text;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Scripted;

/// <summary>
/// Stands in for Slurm 22.05's client tools on a single-node cluster (node <c>vm</c>, partition <c>debug</c>, cluster
/// <c>flepimop2</c>, <c>MaxArraySize</c> 50, as scripts/slurm/start-cluster.sh sets it up), running each batch script the
/// runner wrote. What each tool prints is modelled on what the real cluster printed (Recorded/slurm-22.05.txt).
/// </summary>
/// <remarks>
/// <c>sbatch --parsable [--array=A-B[%K]] [--dependency=afterok:ID:...,afterany:ID:...] [--kill-on-invalid-dep=yes] SCRIPT
/// [ARGS]</c> reads the script's <c>#SBATCH</c> lines (a command-line option wins), refuses another partition, a bad
/// <c>--mem</c> or <c>--time</c> and an array over <c>MaxArraySize</c>, and runs the script through its <c>#!</c> line in
/// its <c>--chdir</c>, with output to <c>--output</c>/<c>--error</c> (<c>%j %A %a %x %u %%</c>), truncated, and the
/// variables Slurm sets. A job over its <c>--time</c> gets SIGTERM, then SIGKILL 30 s later (scheduler time), and ends
/// <c>TIMEOUT</c>; one whose processes hold more than <c>--mem</c> is killed as the cluster's <c>OverMemoryKill</c> does
/// (<c>FAILED</c> 0:9), or ends <c>OUT_OF_MEMORY</c> with <see cref="CgroupMemory"/>. <c>scancel</c> sends SIGTERM and ends
/// a job <c>CANCELLED by UID</c>; a job held by a dependency that can never be met is cancelled with
/// <c>--kill-on-invalid-dep</c> and waits (<c>DependencyNeverSatisfied</c>) without. Not emulated: several nodes, partitions
/// and clusters (<c>-M</c>), priorities and preemption, requeues, job steps other than <c>batch</c>, accounting lag. Like 22.05,
/// <c>squeue --version</c> says <c>slurm-wlm 22.05.8</c> and squeue knows no <c>--only-job-state</c>.
/// </remarks>
internal sealed class ScriptedSlurm(string directory) : ScriptedScheduler(directory, firstId: 4211)
{
    private const string Node = "vm";
    private const string Partition = "debug";
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>The reason a task had when it was cancelled before it started, which squeue goes on showing.</summary>
    private readonly Dictionary<ScriptedTask, string> _lastReasons = [];

    /// <summary>The largest array sbatch takes (the test cluster's <c>MaxArraySize</c>).</summary>
    public int MaxArraySize { get; init; } = 50;

    /// <summary>Memory is enforced as with cgroups (<c>OUT_OF_MEMORY</c>) rather than by sampling (<c>FAILED</c> 0:9, as on the test cluster).</summary>
    public bool CgroupMemory { get; init; }

    /// <summary>The cluster keeps no accounting: <c>sacct</c> says so, and <c>scontrol show job</c> is the only record.</summary>
    public bool AccountingDisabled { get; init; }

    /// <summary>As on the cluster, whose nodes enforce memory, jobs ask for 50M (the test dummy holds about 27M).</summary>
    public override RunnerSettings Settings(string directory) => base.Settings(directory) with { Memory = "50M" };

    protected override ProcessResult Answer(IReadOnlyList<string> argv) => argv[0] switch
    {
        "sbatch" => Sbatch(argv),
        "squeue" when argv.Skip(1).SequenceEqual(["--version"]) => Ok("slurm-wlm 22.05.8\n"),
        "squeue" when argv.Contains("--only-job-state") => Error(1, "squeue: unrecognized option '--only-job-state'", "Try \"squeue --help\" for more information"),
        "squeue" => Squeue(argv),
        "sacct" => Sacct(argv),
        "scancel" => Scancel(argv),
        "scontrol" when argv.Skip(1).SequenceEqual(["show", "config"]) => Ok(Config()),
        "scontrol" when argv.Skip(1).Take(2).SequenceEqual(["show", "job"]) => Ok(ShowJobs()),
        "scontrol" when argv.Count == 3 && argv[1] == "release" => Release(argv[2]),
        _ => new ProcessResult(1, string.Empty, $"{argv[0]}: this stand-in does not answer '{string.Join(' ', argv)}'\n"),
    };

    protected override Readiness ReadinessOf(ScriptedJob job)
    {
        var slurm = (SlurmJob)job;
        if (slurm.Held)
        {
            return Readiness.Wait;
        }

        var ready = Readiness.Go;
        foreach (var (kind, id) in slurm.Dependencies)
        {
            // A predecessor the controller does not hold counts as met, as on the real cluster.
            if (Find(id) is not { } before)
            {
                continue;
            }

            if (kind == "afterok" && before.Tasks.Any(t => t.State == TaskState.Removed || (t.State == TaskState.Ended && State(t) != "COMPLETED")))
            {
                return Readiness.Never;
            }

            if (!before.AllGone)
            {
                ready = Readiness.Wait;
            }
        }

        return ready;
    }

    protected override void NeverReady(ScriptedJob job)
    {
        if (((SlurmJob)job).KillOnInvalidDependency)
        {
            foreach (var task in job.Tasks.Where(t => t.State == TaskState.Pending))
            {
                Kill(task, Stop.DependencyNeverSatisfied, SigKill);
            }
        }
    }

    protected override Launch Launch(ScriptedTask task)
    {
        var job = (SlurmJob)task.Job;
        task.RawId = !job.IsArray || job.Tasks.Count(t => t.State == TaskState.Pending) == 1 ? job.Id : NextId();
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SLURM_JOB_ID"] = task.RawId,
            ["SLURM_JOBID"] = task.RawId,
            ["SLURM_JOB_NAME"] = job.Name,
            ["SLURM_SUBMIT_DIR"] = job.SubmitDirectory,
            ["SLURM_SUBMIT_HOST"] = Node,
            ["SLURM_CLUSTER_NAME"] = "flepimop2",
            ["SLURM_JOB_PARTITION"] = Partition,
            ["SLURM_JOB_NODELIST"] = Node,
            ["SLURM_NODELIST"] = Node,
            ["SLURM_NNODES"] = "1",
            ["SLURM_JOB_NUM_NODES"] = "1",
            ["SLURM_CPUS_ON_NODE"] = job.Cpus.ToString(CultureInfo.InvariantCulture),
            ["SLURM_JOB_CPUS_PER_NODE"] = job.Cpus.ToString(CultureInfo.InvariantCulture),
            ["SLURM_JOB_USER"] = User,
            ["SLURM_TASKS_PER_NODE"] = "1",
            ["SLURM_PROCID"] = "0",
            ["SLURM_LOCALID"] = "0",
            ["SLURM_NODEID"] = "0",
        };
        if (job.MemoryBytes is { } memory)
        {
            env["SLURM_MEM_PER_NODE"] = (memory / (1024 * 1024)).ToString(CultureInfo.InvariantCulture);
        }

        if (task.Index is { } index)
        {
            env["SLURM_ARRAY_JOB_ID"] = job.Id;
            env["SLURM_ARRAY_TASK_ID"] = index.ToString(CultureInfo.InvariantCulture);
            env["SLURM_ARRAY_TASK_COUNT"] = job.Tasks.Count.ToString(CultureInfo.InvariantCulture);
            env["SLURM_ARRAY_TASK_MIN"] = job.Tasks[0].Index!.Value.ToString(CultureInfo.InvariantCulture);
            env["SLURM_ARRAY_TASK_MAX"] = job.Tasks[^1].Index!.Value.ToString(CultureInfo.InvariantCulture);
            env["SLURM_ARRAY_TASK_STEP"] = "1";
        }

        var output = Expand(job.Output, task);
        var error = job.Error is { } pattern ? Expand(pattern, task) : null;
        return new Launch(env, output, error == output ? null : error, Append: false);
    }

    protected override void TimedOut(ScriptedTask task)
    {
        Note(task, $"*** JOB {task.RawId} ON {Node} CANCELLED AT {Now()} DUE TO TIME LIMIT ***");
        Kill(task, Stop.TimedOut, SigTerm, grace: 30);
    }

    protected override void Sampled(ScriptedTask task, long rssBytes, long vmemBytes)
    {
        if (task.Job.MemoryBytes is { } limit && rssBytes > limit && task.Stop == Stop.None)
        {
            Note(task, CgroupMemory
                ? $"Detected 1 oom-kill event(s) in StepId={task.RawId}.batch. Some of your processes may have been killed by the cgroup out-of-memory handler."
                : $"StepId={task.RawId}.batch exceeded memory limit ({rssBytes} > {limit}), being killed");
            Kill(task, Stop.OutOfMemory, SigKill);
        }
    }

    private static ProcessResult Ok(string stdout) => new(0, stdout, string.Empty);

    private static ProcessResult Error(int exitCode, params string[] lines) =>
        new(exitCode, string.Empty, string.Concat(lines.Select(l => l + "\n")));

    private static string Now() => DateTime.Now.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Writes a line of slurmstepd's to the task's error file, as it does when it ends a job.</summary>
    private static void Note(ScriptedTask task, string text)
    {
        var job = (SlurmJob)task.Job;
        try
        {
            File.AppendAllText(Expand(job.Error ?? job.Output, task), $"slurmstepd-{Node}: error: {text}\n");
        }
        catch (IOException)
        {
            // The job's output directory is gone; the job ends all the same.
        }
    }

    private ProcessResult Sbatch(IReadOnlyList<string> argv)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var i = 1;
        for (; i < argv.Count && argv[i].StartsWith('-'); i++)
        {
            var (key, value) = Option(argv[i]);
            if (value is null && key is "p" or "partition" or "array" or "dependency" or "time" or "mem" or "output" or "error" or "chdir" or "job-name" && i + 1 < argv.Count)
            {
                value = argv[++i];
            }

            options[key == "p" ? "partition" : key] = value;
        }

        if (i >= argv.Count)
        {
            return Error(1, "sbatch: error: Batch script is empty!");
        }

        var script = argv[i];
        if (!File.Exists(script))
        {
            return Error(1, $"sbatch: error: Unable to open file {script}");
        }

        var lines = File.ReadAllLines(script);
        foreach (var (key, value) in Directives(lines))
        {
            options.TryAdd(key, value);
        }

        if (options.GetValueOrDefault("partition") is { } partition && partition != Partition)
        {
            return Error(1, $"sbatch: error: invalid partition specified: {partition}", "sbatch: error: Batch job submission failed: Invalid partition name specified");
        }

        long? memory = null;
        if (options.GetValueOrDefault("mem") is { } mem)
        {
            if (Bytes(mem) is not { } bytes)
            {
                return Error(255, "sbatch: error: Invalid --mem specification");
            }

            memory = bytes;
        }

        long? limit = null;
        if (options.GetValueOrDefault("time") is { } time)
        {
            if (!TryMinutesAndSeconds(time, out var seconds))
            {
                return Error(255, "sbatch: error: Invalid --time specification");
            }

            limit = seconds;
        }

        List<int> indices = [];
        int? cap = null;
        if (options.GetValueOrDefault("array") is { } array && !TryArray(array, out indices, out cap))
        {
            return Error(1, "sbatch: error: Batch job submission failed: Invalid job array specification");
        }

        if (indices.Count > 0 && indices.Max() >= MaxArraySize)
        {
            return Error(1, "sbatch: error: Batch job submission failed: Invalid job array specification");
        }

        var dependencies = new List<(string, string)>();
        if (options.GetValueOrDefault("dependency") is { } dependency)
        {
            foreach (var part in dependency.Split(',', '?'))
            {
                var fields = part.Split(':');
                if (fields.Length < 2 || fields[0] is not ("afterok" or "afterany") || fields.Skip(1).Any(f => !f.All(char.IsAsciiDigit) || f.Length == 0))
                {
                    return Error(1, "sbatch: error: Batch job submission failed: Job dependency problem");
                }

                dependencies.AddRange(fields.Skip(1).Select(id => (fields[0], id)));
            }
        }

        var chdir = Path.GetFullPath(options.GetValueOrDefault("chdir") ?? Environment.CurrentDirectory);
        var name = options.GetValueOrDefault("job-name") ?? Path.GetFileName(script);
        var shebang = lines.Length > 0 && lines[0].StartsWith("#!", StringComparison.Ordinal) ? lines[0][2..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) : ["/bin/sh"];
        var job = new SlurmJob
        {
            Id = NextId(),
            Name = name,
            Command = [.. shebang, Path.GetFullPath(script), .. argv.Skip(i + 1)],
            WorkingDirectory = chdir,
            SubmitDirectory = Environment.CurrentDirectory,
            LimitSeconds = limit,
            LimitText = limit is { } limitSeconds ? Duration(limitSeconds) : "UNLIMITED",
            MemoryBytes = memory,
            MemoryText = options.GetValueOrDefault("mem"),
            Cpus = int.TryParse(options.GetValueOrDefault("cpus-per-task"), NumberStyles.None, CultureInfo.InvariantCulture, out var cpus) ? cpus : 1,
            Cap = cap,
            IsArray = indices.Count > 0,
            Output = options.GetValueOrDefault("output") ?? (indices.Count > 0 ? "slurm-%A_%a.out" : "slurm-%j.out"),
            Error = options.GetValueOrDefault("error"),
            Dependencies = dependencies,
            KillOnInvalidDependency = options.GetValueOrDefault("kill-on-invalid-dep") is "yes",
            Held = options.ContainsKey("hold") || options.ContainsKey("H"),
        };
        foreach (var index in indices.Count > 0 ? indices : [-1])
        {
            job.Tasks.Add(new ScriptedTask { Job = job, Index = index < 0 ? null : index });
        }

        Add(job);
        return Ok(job.Id + "\n");
    }

    /// <summary><c>scontrol release ID[,ID...]</c>: lets held jobs (<c>sbatch --hold</c>) start; silent, as on the cluster.</summary>
    private ProcessResult Release(string ids)
    {
        foreach (var id in ids.Split(','))
        {
            if (Find(id) is not SlurmJob { } job)
            {
                return Error(1, "slurm_release_job error: Invalid job id specified");
            }

            job.Held = false;
        }

        return Ok(string.Empty);
    }

    /// <summary><c>squeue</c>: one line per task, pending array tasks each on their own (<c>-r</c>); with <c>-t all</c> ended ones too.</summary>
    private ProcessResult Squeue(IReadOnlyList<string> argv)
    {
        var ids = Value(argv, "-j")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [.. Jobs.Select(j => j.Id)];
        var all = Value(argv, "-t") is "all";
        var format = Value(argv, "-O") is { } fields ? LongFormat(fields) : Value(argv, "-o") ?? "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
        var tasks = ids.SelectMany(Tasks).Where(t => t.State != TaskState.Removed && (all || t.State != TaskState.Ended)).ToList();
        if (ids.Length == 1 && !ids.SelectMany(Tasks).Any())
        {
            return Error(1, "slurm_load_jobs error: Invalid job id specified");
        }

        var text = new StringBuilder();
        foreach (var task in tasks)
        {
            text.Append(Format(format, task)).Append('\n');
        }

        return Ok(text.ToString());

        // The long form's fields (TYPE:[.][SIZE][SUFFIX]) as the short form's letters, each followed by its suffix.
        static string LongFormat(string spec) => string.Concat(spec.Split(',').Select(field =>
        {
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? field : field[..colon];
            var suffix = colon < 0 ? " " : field[(colon + 1)..].TrimStart('.').TrimStart("0123456789".ToCharArray());
            var letter = name switch { "JobArrayID" => "i", "State" => "T", "Reason" => "r", "NodeList" => "N", "RestartCnt" => "restarts", _ => "?" };
            return $"%{letter}{suffix}";
        }));
    }

    private string Format(string format, ScriptedTask task)
    {
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                text.Append(format[i]);
                continue;
            }

            while (i + 1 < format.Length && (format[i + 1] == '.' || char.IsAsciiDigit(format[i + 1])))
            {
                i++;
            }

            if (format.AsSpan(i + 1).StartsWith("restarts"))
            {
                text.Append('0');
                i += "restarts".Length;
                continue;
            }

            i++;
            text.Append(format[i] switch
            {
                'i' => TaskId(task),
                'A' => task.Job.Id,
                'T' => State(task),
                't' => State(task) switch { "PENDING" => "PD", "RUNNING" => "R", "COMPLETED" => "CD", "FAILED" => "F", "CANCELLED" => "CA", "TIMEOUT" => "TO", "OUT_OF_MEMORY" => "OOM", var s => s },
                'r' or 'R' => Reason(task),
                'N' => task.Started is null ? string.Empty : Node,
                'j' => task.Job.Name,
                'u' => User,
                'P' => Partition,
                'M' => Duration(ElapsedSeconds(task)),
                'D' => "1",
                _ => "?",
            });
        }

        return text.ToString();
    }

    /// <summary><c>sacct -P -n -o FIELDS</c>: a line for each job or started array task and one for its batch step, pending array tasks as one range.</summary>
    private ProcessResult Sacct(IReadOnlyList<string> argv)
    {
        if (AccountingDisabled)
        {
            return Error(1, "sacct: error: Slurm accounting storage is disabled");
        }

        var fields = (Value(argv, "-o") ?? "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode").Split(',');
        var text = new StringBuilder();
        foreach (var id in Value(argv, "-j")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [.. Jobs.Select(j => j.Id)])
        {
            var tasks = Tasks(id).ToList();
            foreach (var task in tasks.Where(t => t.Started is not null || !t.Job.IsArray))
            {
                text.Append(string.Join('|', fields.Select(f => Field(f, task, step: false)))).Append('\n');
                if (task.Started is not null)
                {
                    text.Append(string.Join('|', fields.Select(f => Field(f, task, step: true)))).Append('\n');
                }
            }

            // Array tasks that never started: one range line each for those still pending and those cancelled before they started.
            foreach (var group in tasks.Where(t => t.Job.IsArray && t.Started is null && t.State is TaskState.Pending or TaskState.Ended).GroupBy(t => t.State))
            {
                var first = group.First();
                var range = $"{first.Job.Id}_[{Ranges(group.Select(t => t.Index!.Value))}{(first.Job.Cap is { } cap ? $"%{cap}" : string.Empty)}]";
                text.Append(string.Join('|', fields.Select(f => f switch
                {
                    "JobID" => range,
                    "JobIDRaw" => first.Job.Id,
                    _ => Field(f, first, step: false),
                }))).Append('\n');
            }
        }

        return Ok(text.ToString());
    }

    private string Field(string field, ScriptedTask task, bool step)
    {
        var job = (SlurmJob)task.Job;
        var started = task.Started is not null;
        var (code, signal) = ExitCode(task, step);
        return field switch
        {
            "JobID" => TaskId(task) + (step ? ".batch" : string.Empty),
            "JobIDRaw" => (task.RawId ?? job.Id) + (step ? ".batch" : string.Empty),
            "JobName" => step ? "batch" : job.Name,
            "State" => step ? StepState(task) : State(task) + (task.Stop == Stop.Cancelled ? $" by {UserId()}" : string.Empty),
            "ExitCode" => $"{code}:{signal}",
            "Elapsed" => Duration(ElapsedSeconds(task)),
            "ElapsedRaw" => ElapsedSeconds(task).ToString(CultureInfo.InvariantCulture),
            "NodeList" => started ? Node : "None assigned",
            "MaxRSS" => step && task.State == TaskState.Ended && task.PeakRssBytes > 0 ? $"{task.PeakRssBytes / 1024}K" : string.Empty,
            "ReqMem" => step ? string.Empty : job.MemoryText ?? string.Empty,
            "TotalCPU" => task.State == TaskState.Ended && started ? Cpu(task.CpuSeconds) : "00:00:00",
            "AllocCPUS" => job.Cpus.ToString(CultureInfo.InvariantCulture),
            "Timelimit" => step ? string.Empty : started || job.IsArray || job.LimitSeconds is not null ? job.LimitText : "Partition_Limit",
            "Partition" => Partition,
            "Account" => User,
            _ => string.Empty,
        };
    }

    /// <summary>The job's (or step's) <c>code:signal</c>: the step shows the signal that ended the job, the job only its exit code.</summary>
    private (int Code, int Signal) ExitCode(ScriptedTask task, bool step) => task.Stop switch
    {
        _ when task.State != TaskState.Ended => (0, 0),
        Stop.Cancelled or Stop.TimedOut => (0, step && task.Started is not null ? task.Signal : 0),
        Stop.OutOfMemory => CgroupMemory ? (0, 125) : (0, task.Signal),
        Stop.DependencyNeverSatisfied => (0, 0),
        _ => (task.ExitCode, task.Signal),
    };

    private string State(ScriptedTask task) => task.State switch
    {
        TaskState.Pending => "PENDING",
        TaskState.Running => "RUNNING",
        _ => task.Stop switch
        {
            Stop.Cancelled or Stop.DependencyNeverSatisfied => "CANCELLED",
            Stop.TimedOut => "TIMEOUT",
            Stop.OutOfMemory => CgroupMemory ? "OUT_OF_MEMORY" : "FAILED",
            _ => task.ExitCode == 0 && task.Signal == 0 ? "COMPLETED" : "FAILED",
        },
    };

    private string StepState(ScriptedTask task) => task.Stop switch
    {
        _ when task.State != TaskState.Ended => State(task),
        Stop.TimedOut => "CANCELLED",
        Stop.OutOfMemory when !CgroupMemory => $"CANCELLED by {UserId()}",
        _ => State(task),
    };

    private string Reason(ScriptedTask task)
    {
        var job = (SlurmJob)task.Job;
        return task.State switch
        {
            TaskState.Pending when job.Held => "JobHeldUser",
            TaskState.Pending when ReadinessOf(job) == Readiness.Never => "DependencyNeverSatisfied",
            TaskState.Pending when ReadinessOf(job) == Readiness.Wait => "Dependency",
            TaskState.Pending when job.Cap is { } cap && job.Tasks.Count(t => t.State == TaskState.Running) >= cap => "JobArrayTaskLimit",
            TaskState.Pending => "Resources",
            TaskState.Running => "None",
            _ when _lastReasons.TryGetValue(task, out var last) => last,
            _ => task.Stop switch
            {
                Stop.DependencyNeverSatisfied => "DependencyNeverSatisfied",
                Stop.TimedOut => "TimeLimit",
                Stop.OutOfMemory => "OutOfMemory",
                Stop.None when State(task) == "FAILED" => "NonZeroExitCode",
                _ => "None",
            },
        };
    }

    private ProcessResult Scancel(IReadOnlyList<string> argv)
    {
        foreach (var id in argv.Skip(1).Where(a => !a.StartsWith('-')))
        {
            var whole = !id.Contains('_', StringComparison.Ordinal);
            foreach (var task in Tasks(id))
            {
                if (task.State == TaskState.Running)
                {
                    Note(task, $"*** JOB {task.RawId} ON {Node} CANCELLED AT {Now()} ***");
                    Kill(task, Stop.Cancelled, SigTerm, grace: 30);
                }
                else if (task.State == TaskState.Pending && task.Job.IsArray && !whole)
                {
                    // Slurm keeps no record of an array task cancelled on its own before it started.
                    task.State = TaskState.Removed;
                }
                else if (task.State == TaskState.Pending)
                {
                    _lastReasons[task] = Reason(task);
                    Kill(task, Stop.Cancelled, SigTerm);
                }
            }
        }

        // scancel says nothing of ids that ended long ago or never were (as root on the test cluster).
        return Ok(string.Empty);
    }

    private string Config() =>
        $"""
        Configuration data as of {Now()}
        AccountingStorageType   = {(AccountingDisabled ? "(null)" : "accounting_storage/slurmdbd")}
        ClusterName             = flepimop2
        KillWait                = 30 sec
        MaxArraySize            = {MaxArraySize}
        MinJobAge               = 300 sec
        SLURM_VERSION           = 22.05.8

        """;

    private string ShowJobs()
    {
        var text = new StringBuilder();
        foreach (var task in Jobs.SelectMany(j => j.Tasks).Where(t => t.State != TaskState.Removed))
        {
            var (code, signal) = ExitCode(task, step: true);
            var array = task.Index is { } index ? $" ArrayJobId={task.Job.Id} ArrayTaskId={index}" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"JobId={task.RawId ?? task.Job.Id}{array} JobName={task.Job.Name} UserId={User}({UserId()}) JobState={State(task)} Reason={Reason(task)} Restarts=0 ExitCode={code}:{signal} RunTime={Duration(ElapsedSeconds(task))} Partition={Partition} NodeList={(task.Started is null ? "(null)" : Node)} WorkDir={task.Job.WorkingDirectory}\n");
        }

        return text.ToString();
    }

    /// <summary>The tasks an id names: a job's (every task of an array), or one array task (<c>4211_3</c>).</summary>
    private IEnumerable<ScriptedTask> Tasks(string id)
    {
        var underscore = id.IndexOf('_', StringComparison.Ordinal);
        var job = Find(underscore < 0 ? id : id[..underscore]);
        if (job is null)
        {
            return [];
        }

        return underscore < 0 ? job.Tasks : job.Tasks.Where(t => t.Index?.ToString(CultureInfo.InvariantCulture) == id[(underscore + 1)..]);
    }

    private static string TaskId(ScriptedTask task) =>
        task.Index is { } index ? $"{task.Job.Id}_{index.ToString(CultureInfo.InvariantCulture)}" : task.Job.Id;

    /// <summary>An output pattern for one task: <c>%j</c> its own id, <c>%A</c> its array's, <c>%a</c> its index, <c>%x</c>, <c>%u</c>, <c>%%</c>.</summary>
    private static string Expand(string pattern, ScriptedTask task)
    {
        var text = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%' || i + 1 >= pattern.Length)
            {
                text.Append(pattern[i]);
                continue;
            }

            var j = i + 1;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
            {
                j++;
            }

            var width = j > i + 1 ? int.Parse(pattern.AsSpan(i + 1, j - i - 1), CultureInfo.InvariantCulture) : 0;
            string? value = j < pattern.Length ? pattern[j] switch
            {
                '%' => "%",
                'j' or 'J' => (task.RawId ?? task.Job.Id).PadLeft(width, '0'),
                'A' => task.Job.Id.PadLeft(width, '0'),
                'a' => (task.Index?.ToString(CultureInfo.InvariantCulture) ?? "4294967294").PadLeft(width, '0'),
                'x' => task.Job.Name,
                'u' => User,
                _ => null,
            } : null;
            if (value is null)
            {
                text.Append('%');
                continue;
            }

            text.Append(value);
            i = j;
        }

        return Path.GetFullPath(text.ToString(), task.Job.WorkingDirectory);
    }

    /// <summary>The <c>#SBATCH</c> lines before the first command, as option and value (quotes removed).</summary>
    private static IEnumerable<(string Key, string? Value)> Directives(string[] lines)
    {
        foreach (var line in lines.Skip(1))
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (!line.StartsWith('#'))
            {
                yield break;
            }

            if (line.StartsWith("#SBATCH ", StringComparison.Ordinal))
            {
                var (key, value) = Option(line["#SBATCH ".Length..].Trim());
                yield return (key, value is { Length: >= 2 } && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value);
            }
        }
    }

    private static (string Key, string? Value) Option(string arg)
    {
        var name = arg.TrimStart('-');
        var equals = name.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (name, null) : (name[..equals], name[(equals + 1)..]);
    }

    private static string? Value(IReadOnlyList<string> argv, string flag)
    {
        var at = argv.ToList().IndexOf(flag);
        return at >= 0 && at + 1 < argv.Count ? argv[at + 1] : null;
    }

    /// <summary><c>0-19</c>, <c>0-19%3</c>, <c>1,3,5-7</c>.</summary>
    private static bool TryArray(string spec, out List<int> indices, out int? cap)
    {
        indices = [];
        cap = null;
        var percent = spec.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            if (!int.TryParse(spec[(percent + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1)
            {
                return false;
            }

            cap = k;
            spec = spec[..percent];
        }

        foreach (var part in spec.Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length > 2 || !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(bounds[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var to) || to < from)
            {
                return false;
            }

            indices.AddRange(Enumerable.Range(from, to - from + 1));
        }

        return indices.Count > 0;
    }

    /// <summary>Slurm's time limits: <c>M</c>, <c>M:S</c>, <c>H:M:S</c>, <c>D-H</c>, <c>D-H:M</c>, <c>D-H:M:S</c>.</summary>
    private static bool TryMinutesAndSeconds(string text, out long seconds)
    {
        seconds = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var days = 0L;
        if (dash >= 0 && !long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out days))
        {
            return false;
        }

        var parts = text[(dash + 1)..].Split(':');
        var numbers = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }

        seconds = (dash >= 0, numbers.Length) switch
        {
            (false, 1) => numbers[0] * 60,
            (false, 2) => (numbers[0] * 60) + numbers[1],
            (false, 3) => (numbers[0] * 3600) + (numbers[1] * 60) + numbers[2],
            (true, 1) => numbers[0] * 3600,
            (true, 2) => (numbers[0] * 3600) + (numbers[1] * 60),
            (true, 3) => (numbers[0] * 3600) + (numbers[1] * 60) + numbers[2],
            _ => -1,
        };
        seconds += days * 86_400;
        return seconds > 0;
    }

    /// <summary>A size as <c>--mem</c> takes it: a number of megabytes, or with K, M, G or T.</summary>
    private static long? Bytes(string text)
    {
        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? char.ToUpperInvariant(text[^1]) : 'M';
        var number = char.IsAsciiLetter(text[^1]) ? text[..^1] : text;
        var scale = unit switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 0 };
        return scale > 0 && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n * scale : null;
    }

    /// <summary><c>HH:MM:SS</c>, or <c>D-HH:MM:SS</c> from a day on.</summary>
    private static string Duration(long seconds) =>
        seconds >= 86_400
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 86_400}-{seconds % 86_400 / 3600:D2}:{seconds % 3600 / 60:D2}:{seconds % 60:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:D2}:{seconds % 3600 / 60:D2}:{seconds % 60:D2}");

    /// <summary>TotalCPU: <c>MM:SS.mmm</c>.</summary>
    private static string Cpu(double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)seconds / 60:D2}:{seconds % 60:00.000}");

    /// <summary>Indices as Slurm writes a range: <c>2-4,7,9-12</c>.</summary>
    private static string Ranges(IEnumerable<int> indices) =>
        string.Join(',', Runs(indices).Select(r => r.From == r.To ? $"{r.From}" : $"{r.From}-{r.To}"));

    /// <summary>The uid of the user, as <c>CANCELLED by UID</c> names it.</summary>
    private static string UserId() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

    /// <summary>What sbatch keeps of a job besides what every stand-in does.</summary>
    private sealed class SlurmJob : ScriptedJob
    {
        /// <summary>Submitted with <c>--hold</c> and not yet released: it waits (<c>JobHeldUser</c>).</summary>
        public bool Held { get; set; }

        public required string SubmitDirectory { get; init; }

        public required string Output { get; init; }

        public string? Error { get; init; }

        public required string LimitText { get; init; }

        public string? MemoryText { get; init; }

        public int Cpus { get; init; } = 1;

        public IReadOnlyList<(string Kind, string Id)> Dependencies { get; init; } = [];

        public bool KillOnInvalidDependency { get; init; }
    }
}
