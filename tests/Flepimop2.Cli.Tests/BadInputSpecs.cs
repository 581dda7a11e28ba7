namespace Flepimop2.Cli.Tests;

public sealed class BadInputSpecs
{
    private const string Process = "process:\n  ok:\n    module: shell\n    command: \"true\"\n";
    private const string Simulate = "jobs:\n  a: {module: shell}\nsimulate:\n  s: {module: shell, command: \"true\"}\n  original: {engine: euler, system: sir, backend: csv, times: [0, 10]}\n";
    private const string Original = "config.yaml: simulate.original: a simulation of the original flepimop2 (it has no 'module'), which this program cannot run itself; make it a step (module: shell), or submit it with 'job simulate' to a runner whose 'executable' is the original program";

    public static TheoryData<string, string, string[], int, string> Cases => new()
    {
        { "invalid yaml", "jobs: [\n", ["job", "process"], 3, "config.yaml: invalid YAML at line 2" },
        { "empty file", string.Empty, ["job", "process"], 3, "config.yaml: the configuration file is empty" },
        { "alias of nothing as a key", "a: &x\n*x : 1\n", ["job", "process"], 3, "error: config.yaml: a mapping key at line 2, column 1 is the alias '*x' of nothing; a key must be a name\n" },
        { "alias of a list as a key", "a: &x [1]\n*x : 1\n", ["job", "process"], 3, "error: config.yaml: a mapping key at line 2, column 1 is the alias '*x' of a list; a key must be a name\n" },
        { "merge of a value", "jobs:\n  a: {<<: 5}\n" + Process, ["job", "process"], 3, "error: config.yaml: jobs.a: the merge key '<<' at line 2, column 7 takes a mapping or a list of mappings, got '5'\n" },
        { "unknown tag", "jobs: !local {a: {module: shell}}\n" + Process, ["job", "process"], 3, "error: config.yaml: jobs: the tag !local at line 1, column 7 cannot be on a mapping of a configuration" },
        { "jobs of the wrong type", "jobs: 5\n" + Process, ["job", "process"], 3, "config.yaml: jobs: expected a mapping" },
        { "missing module", "jobs:\n  a:\n    detach: true\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.module: is required" },
        { "unknown module", "jobs:\n  a:\n    module: shel\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.module: unknown job module 'shel'; known modules: flepimop2.job.gridengine, flepimop2.job.shell, flepimop2.job.slurm" },
        { "unknown job target", "jobs:\n  a: {module: shell}\n" + Process, ["job", "process", "-j", "b"], 3, "config.yaml: jobs: no target 'b'; targets: a" },
        { "unknown process target", "jobs:\n  a: {module: shell}\n" + Process, ["job", "process", "-t", "nope"], 3, "config.yaml: process: no target 'nope'; targets: ok" },
        { "wrong value type", "jobs:\n  a:\n    module: shell\n    detach: maybe\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.detach: expected true or false, got 'maybe'" },
        { "env not a mapping", "jobs:\n  a:\n    module: shell\n    env: [1]\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.env: expected a mapping, got a list" },
        { "cwd that does not exist", "jobs:\n  a:\n    module: shell\n    cwd: /no/such/dir\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.cwd: working directory '/no/such/dir' does not exist [missing_directory]" },
        { "executable that does not exist", "jobs:\n  a:\n    module: shell\n    executable: /no/such/flepimop2\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.executable: '/no/such/flepimop2' is not an executable file [missing_executable]" },
        { "process command missing", "jobs:\n  a: {module: shell}\nprocess:\n  p:\n    module: shell\n", ["job", "process"], 3, "config.yaml: process.p.command: is required" },
        { "process command not found", "process:\n  p:\n    module: shell\n    command: no-such-cmd-xyz\n", ["process"], 3, "config.yaml: process.p.command: command 'no-such-cmd-xyz' not found on PATH" },
        { "missing config", "jobs: {}\n", ["job", "process", "absent.yaml"], 3, "absent.yaml: configuration file not found" },
        { "bad memory string", Slurm("memory: 4X"), ["job", "process"], 3, "config.yaml: jobs.hpc.memory:" },
        { "negative memory", Slurm("memory: -5"), ["job", "process"], 3, "config.yaml: jobs.hpc.memory:" },
        { "bad time string", Slurm("time: \"1:2:3:4\""), ["job", "process"], 3, "config.yaml: jobs.hpc.time:" },
        { "zero cpus", Slurm("cpus-per-task: 0"), ["job", "process"], 3, "config.yaml: jobs.hpc.cpus-per-task: must be a whole number of at least 1, got 0" },
        { "negative nodes", Slurm("nodes: -2"), ["job", "process"], 3, "config.yaml: jobs.hpc.nodes: must be a whole number of at least 1, got -2" },
        { "fractional ntasks", Slurm("ntasks: 1.5"), ["job", "process"], 3, "config.yaml: jobs.hpc.ntasks: expected a whole number, got '1.5'" },
        { "reserved sbatch option", Slurm("sbatch-options: {time: \"10\", job-name: x}"), ["job", "process"], 3, "job-name" },
        { "newline in an sbatch value", Slurm("sbatch-options: {partition: \"debug\\nrm -rf /\"}"), ["job", "process"], 3, "config.yaml: jobs.hpc.sbatch-options" },
        { "sbatch options not a mapping", Slurm("sbatch-options: [a]"), ["job", "process"], 3, "config.yaml: jobs.hpc.sbatch-options: expected a mapping" },
        { "debug not a boolean", Slurm("debug: 2"), ["job", "process"], 3, "config.yaml: jobs.hpc.debug: expected true or false, got '2'" },
        { "bad h_vmem", GridEngine("h_vmem: 4X"), ["job", "process"], 3, "config.yaml: jobs.ge.h_vmem: expected a size like 4G, 500M or a number of megabytes, got '4X'" },
        { "bad h_rt", GridEngine("h_rt: \"1:2:3:4\""), ["job", "process"], 3, "config.yaml: jobs.ge.h_rt: expected a time limit like 30 (minutes)" },
        { "zero slots", GridEngine("slots: 0"), ["job", "process"], 3, "config.yaml: jobs.ge.slots: must be a whole number of at least 1, got 0" },
        { "reserved qsub option", GridEngine("qsub-options: {N: x}"), ["job", "process"], 3, "config.yaml: jobs.ge.qsub-options.N: 'N' is reserved (flepimop2 names the job)" },
        { "limit set in qsub options", GridEngine("qsub-options: {l: \"h_rt=1\"}"), ["job", "process"], 3, "config.yaml: jobs.ge.qsub-options.l: 'h_rt' is set by the 'h_rt' option (or its synonym 'time'), not in qsub-options.l; keep one" },
        { "newline in a qsub value", GridEngine("qsub-options: {l: \"arch=x\\nrm -rf /\"}"), ["job", "process"], 3, "config.yaml: jobs.ge.qsub-options.l: the value must not contain a newline or other control character" },
        { "qsub options not a mapping", GridEngine("qsub-options: [a]"), ["job", "process"], 3, "config.yaml: jobs.ge.qsub-options: expected a mapping of qsub option names to values, got a list" },
        { "queue with a space", GridEngine("queue: \"a b\""), ["job", "process"], 3, "config.yaml: jobs.ge.queue: must be one name (no spaces, not starting with '-'), got 'a b'" },
        { "unknown predecessor", "jobs:\n  a: {module: shell}\n", ["job", "run", "--after", "shell-nope", "--", "true"], 1, "error: --after shell-nope: no job 'shell-nope' in " },
        { "unknown predecessor of a step", "jobs:\n  a: {module: shell}\n" + Process, ["job", "process", "--after-any", "slurm-1"], 1, "error: --after-any slurm-1: no job 'slurm-1' in " },
        { "predecessor named twice", "jobs:\n  a: {module: shell}\n", ["job", "run", "--after", "shell-1", "--after-any", "shell-1", "--", "true"], 2, "error: --after-any shell-1: the job is already given with --after; name each predecessor once\n" },
        { "empty predecessor", "jobs:\n  a: {module: shell}\n" + Process, ["job", "process", "--after", ""], 2, "error: Required argument missing for option: '--after'" },
        { "retry of an unknown job", Process, ["job", "retry", "shell-nope", "--memory", "2G"], 1, "error: no job 'shell-nope' in " },
        { "retry with no CPUs", Process, ["job", "retry", "slurm-1", "--cpus-per-task", "0"], 2, "error: --cpus-per-task must be a whole number from 1 to 1000000; got '0'" },
        { "unknown job key", Process, ["job", "status", "shell-nope"], 1, "no job 'shell-nope'" },
        { "path as job key", Process, ["job", "status", "../../etc/passwd"], 1, "no job '../../etc/passwd'" },
        { "unknown option", Process, ["job", "list", "--frobnicate"], 2, "Unrecognized command or argument '--frobnicate'" },
        { "missing job argument", Process, ["job", "status"], 2, "error:" },
        { "bad status filter", Process, ["job", "list", "--status", "done"], 2, "--status must be one of pending, running, successful, failed, finished_unknown, unknown; got 'done'" },
        { "negative wait timeout", Process, ["job", "wait", "x", "--timeout", "-1"], 2, "--timeout must be a number of seconds from 0.001" },
        { "text as wait timeout", Process, ["job", "wait", "x", "--timeout", "abc"], 2, "--timeout must be a number of seconds from 0.001 to 31536000 (a year); got 'abc'" },
        { "nan as wait timeout", Process, ["job", "wait", "x", "--timeout", "nan"], 2, "got 'nan'" },
        { "huge wait timeout", Process, ["job", "wait", "x", "--timeout", "1e308"], 2, "got '1e308'" },
        { "infinite wait timeout", Process, ["job", "wait", "x", "--timeout", "Infinity"], 2, "got 'Infinity'" },
        { "text as watch interval", Process, ["job", "watch", "--interval", "abc"], 2, "--interval must be a number of seconds from 0.001 to 31536000 (a year); got 'abc'" },
        { "zero watch interval", Process, ["job", "watch", "x", "--interval", "0"], 2, "--interval must be a number of seconds from 0.001 to 31536000 (a year); got '0'" },
        { "unknown job to watch", Process, ["job", "watch", "shell-nope"], 1, "no job 'shell-nope'" },
        { "bad lock timeout", Process, ["job", "list"], 2, "FLEPIMOP2_LOCK_TIMEOUT must be a number of seconds" },
        { "nul in an argument", "jobs:\n  a: {module: shell}\nprocess:\n  ok:\n    module: shell\n    command: echo\n    args: [\"a\\0b\"]\n", ["job", "process"], 3, "config.yaml: process.ok.args[0]: the value at line 7 holds a NUL character" },
        { "nul in an env value", "jobs:\n  a:\n    module: shell\n    env: {X: \"a\\0b\"}\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.env.X: the value at line 4 holds a NUL character" },
        { "equals sign in an env name", "jobs:\n  a:\n    module: shell\n    env: {\"A=B\": x, PATH: /usr/bin:/bin}\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.env.A=B: 'A=B' cannot be an environment variable name (it must be non-empty, without '=' or NUL) [invalid_environment]" },
        { "step command not found", "jobs:\n  a: {module: shell}\nprocess:\n  p:\n    module: shell\n    command: no-such-program-xyz\n", ["job", "process"], 3, "config.yaml: process.p.command: command 'no-such-program-xyz' not found on the job's PATH" },
        { "step command not on the job's own PATH", "jobs:\n  a:\n    module: shell\n    env: {PATH: /nowhere}\n" + Process, ["job", "process"], 3, "config.yaml: process.ok.command: command 'true' not found on the job's PATH" },
        { "log directory that is a file", "jobs:\n  a:\n    module: shell\n    log-directory: config.yaml/logs\n" + Process, ["job", "process"], 3, "config.yaml: jobs.a.log-directory: '" },
        { "config that is a directory", Process, ["job", "process", "."], 3, ".: cannot read the configuration file: " },
        { "unknown simulate target", Simulate, ["job", "simulate", "-t", "nope"], 3, "error: config.yaml: simulate: no target 'nope'; targets: s, original\n" },
        { "unknown simulate target here", Simulate, ["simulate", "-t", "nope"], 3, "error: config.yaml: simulate: no target 'nope'; targets: s, original\n" },
        { "no simulate section", "jobs:\n  a: {module: shell}\n" + Process, ["job", "simulate"], 3, "error: config.yaml: simulate: the file has no 'simulate' section\n" },
        { "no simulate section here", Process, ["simulate", "-t", "s"], 3, "error: config.yaml: simulate: the file has no 'simulate' section\n" },
        { "no simulate section nor jobs", Process, ["job", "simulate"], 3, "error: config.yaml: jobs: the file has no 'jobs' section\nerror: config.yaml: simulate: the file has no 'simulate' section\n" },
        { "original simulation run here", Simulate, ["simulate", "-t", "original"], 3, $"error: {Original}\n" },
        { "original simulation for this program", Simulate, ["job", "simulate", "-t", "s", "-t", "original"], 3, $"error: {Original}\n" },
        { "simulate step not found", "jobs:\n  a: {module: shell}\nsimulate:\n  s: {module: shell, command: no-such-program-xyz}\n", ["job", "simulate"], 3, "error: config.yaml: simulate.s.command: command 'no-such-program-xyz' not found on the job's PATH\n" },
        { "simulate step of an unknown module", "jobs:\n  a: {module: shell}\nsimulate:\n  s: {module: python}\n", ["job", "simulate"], 3, "error: config.yaml: simulate.s.module: unknown process module 'python'; known modules: flepimop2.process.shell\n" },
        { "missing program", "jobs:\n  a: {module: shell}\n", ["job", "run", "--", "no-such-program-xyz", "-v"], 3, "error: config.yaml: jobs.a: program 'no-such-program-xyz' not found on the job's PATH [missing_executable]\n" },
        { "missing program path", "jobs:\n  a: {module: shell}\n", ["job", "run", "--repeat", "2", "--", "./no-such-program.sh"], 3, "error: config.yaml: jobs.a: program './no-such-program.sh' is not an executable file [missing_executable]\n" },
        { "program not on the job's own PATH", "jobs:\n  a:\n    module: shell\n    env: {PATH: /nowhere}\n", ["job", "run", "--", "sh", "-c", "true"], 3, "error: config.yaml: jobs.a: program 'sh' not found on the job's PATH [missing_executable]\n" },
        { "program to run with no jobs section", Process, ["job", "run", "--", "true"], 3, "error: config.yaml: jobs: the file has no 'jobs' section\n" },
        { "target with job run", "jobs:\n  a: {module: shell}\n", ["job", "run", "-t", "ok", "--", "true"], 2, "error: job run takes no --target: it runs the program given after --, not a configured target (see job process and job simulate)\n" },
        { "program before the double dash", "jobs:\n  a: {module: shell}\n", ["job", "run", "echo", "hi"], 2, "error: 'echo' comes before --; give the program and its arguments after --: flepimop2 job run [OPTIONS] -- PROGRAM [ARGS...]\n" },
        { "unknown option of job run", "jobs:\n  a: {module: shell}\n", ["job", "run", "--frobnicate", "--", "true"], 2, "error: unknown option '--frobnicate' for job run; give the program and its arguments after --: flepimop2 job run [OPTIONS] -- PROGRAM [ARGS...]\n" },
        { "no program after the double dash", "jobs:\n  a: {module: shell}\n", ["job", "run", "--"], 2, "error: no program to run; give it and its arguments after --: flepimop2 job run [OPTIONS] -- PROGRAM [ARGS...]\n" },
    };

    private static string Slurm(string option) => $"jobs:\n  hpc:\n    module: slurm\n    {option}\n" + Process;

    private static string GridEngine(string option) => $"jobs:\n  ge:\n    module: gridengine\n    {option}\n" + Process;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_a_clear_error_the_documented_exit_code_and_writes_nothing(string name, string config, string[] args, int exitCode, string message)
    {
        using var project = new TempProject(config);

        var result = name == "bad lock timeout"
            ? await CliRunner.RunAsync(project.Path, new Dictionary<string, string?> { ["FLEPIMOP2_LOCK_TIMEOUT"] = "soon" }, args)
            : await project.Run(args);

        Assert.True(result.ExitCode == exitCode, $"{name}: {result}");
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 4, result.Stderr);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(project.StoreDirectory), $"{name}: the store was written");
    }

    /// <summary>Bad input about a job already in the store: a finished job recorded without its command (as an older version wrote it).</summary>
    public static TheoryData<string, string, string, string[], int, string> RecordedJobCases => new()
    {
        { "predecessor on another backend", "slurm", """{"module": "flepimop2.job.slurm"}""", ["job", "run", "--after", "7", "--", "true"], 3, "error: config.yaml: jobs.a: slurm-7 is a slurm job; a shell job can only wait for shell jobs [invalid_dependency]\n" },
        { "predecessor of a step named twice by key and id", "shell", """{"module": "flepimop2.job.shell"}""", ["job", "process", "--after", "7", "--after-any", "shell-7"], 2, "error: --after-any shell-7 and --after 7 name the same job, shell-7; name each predecessor once\n" },
        { "retry with memory on a shell job", "shell", """{"module": "flepimop2.job.shell"}""", ["job", "retry", "7", "--memory", "2G"], 2, "error: --memory: shell-7 ran on flepimop2.job.shell, which takes no memory; retry it without --memory\n" },
        { "retry of a single job's failed tasks", "shell", """{"module": "flepimop2.job.shell"}""", ["job", "retry", "7", "--failed-tasks"], 2, "error: --failed-tasks: shell-7 is a single job, not a sweep of tasks; retry it without --failed-tasks\n" },
        { "retry with memory Slurm cannot read", "slurm", """{"module": "flepimop2.job.slurm", "memory": "1G"}""", ["job", "retry", "7", "--memory", "lots"], 2, "error: --memory 'lots': expected a size like 4G, 500M or a number of megabytes, got 'lots'\n" },
        { "retry with memory Grid Engine cannot read", "gridengine", """{"module": "flepimop2.job.gridengine", "h_vmem": "1G"}""", ["job", "retry", "7", "--memory", "lots"], 2, "error: --memory 'lots': expected a size like 4G, 500M or a number of megabytes, got 'lots'\n" },
        { "retry with a time Slurm cannot read", "slurm", """{"module": "flepimop2.job.slurm"}""", ["job", "retry", "7", "--time", "1:2:3:4", "--memory", "4G"], 2, "error: --time '1:2:3:4': expected a time limit like 30 (minutes)" },
        { "retry of a record without its command", "shell", """{"module": "flepimop2.job.shell"}""", ["job", "retry", "7"], 1, "error: shell-7 keeps no record of its command (it was submitted by the original flepimop2 or an older version)" },
    };

    [Theory]
    [MemberData(nameof(RecordedJobCases))]
    public async Task Bad_input_about_a_recorded_job_gets_one_clear_line_and_submits_nothing(string name, string backend, string jobConfig, string[] args, int exitCode, string message)
    {
        using var project = new TempProject("jobs:\n  a: {module: shell}\n" + Process);
        var handles = System.IO.Path.Combine(project.StoreDirectory, "job", "handles");
        Directory.CreateDirectory(handles);
        await File.WriteAllTextAsync(
            System.IO.Path.Combine(handles, $"{backend}-7.json"),
            $$$"""{"key": "{{{backend}}}-7", "handle": {"job_id": "7", "backend": "{{{backend}}}", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {"mode": "blocking", "returncode": 3}}, "job_config": {{{jobConfig}}}}""");

        var result = await project.Run(args);

        Assert.True(result.ExitCode == exitCode, $"{name}: {result}");
        Assert.StartsWith(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(result.Stdout);
        Assert.Single(Directory.GetFiles(handles));
    }

    [Fact]
    public async Task An_ambiguous_bare_id_is_an_error_listing_the_candidates()
    {
        using var project = new TempProject(Process);
        var handles = System.IO.Path.Combine(project.StoreDirectory, "job", "handles");
        Directory.CreateDirectory(handles);
        foreach (var backend in new[] { "shell", "slurm" })
        {
            await File.WriteAllTextAsync(
                System.IO.Path.Combine(handles, $"{backend}-42.json"),
                $$$"""{"key": "{{{backend}}}-42", "handle": {"job_id": "42", "backend": "{{{backend}}}", "submitted_at": "2026-01-01T00:00:00Z", "metadata": {}}, "job_config": {}}""");
        }

        var result = await project.Run("job", "status", "42");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("job id '42' is ambiguous: shell-42, slurm-42", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nested aliases", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\na3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\na4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\na5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\na6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]\na7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]\na8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]\n", "values once aliases are expanded")]
    [InlineData("a self-referencing alias", "a: &a [*a]\n", "refers to a node that contains it")]
    [InlineData("deep nesting", "deep", "nests deeper than 64 levels")]
    public async Task Yaml_that_expands_or_nests_without_bound_is_one_configuration_error_in_little_memory(string name, string yaml, string message)
    {
        using var project = new TempProject(yaml == "deep" ? "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n" : yaml);

        // A heap of 128 MiB: an expansion without bound fails here, on its own, rather than take the machine's memory.
        var result = await CliRunner.RunAsync(project.Path, new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = "0x8000000" }, "job", "process");

        Assert.True(result.ExitCode == 3, $"{name}: {result}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: config.yaml: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_problem_of_a_file_is_one_line_of_the_error()
    {
        using var project = new TempProject("jobs: 5\n");

        var result = await project.Run("job", "process");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            ["error: config.yaml: jobs: expected a mapping from target name to module configuration, got '5'", "error: config.yaml: process: the file has no 'process' section"],
            result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Running_from_a_deleted_directory_is_a_plain_error()
    {
        using var project = new TempProject(Process);
        var gone = System.IO.Path.Combine(project.Path, "gone");

        using var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
            "sh", ["-c", "mkdir \"$1\" && cd \"$1\" && rmdir \"$1\" && exec \"$2\" job list", "sh", gone, CliRunner.Executable])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = await shell.StandardError.ReadToEndAsync();
        await shell.WaitForExitAsync();

        Assert.Equal(1, shell.ExitCode);
        Assert.Contains("the current directory no longer exists", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Triple_verbose_shows_the_stack_trace()
    {
        using var project = new TempProject("jobs: [\n");

        var result = await project.Run("job", "process", "-vvv");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
