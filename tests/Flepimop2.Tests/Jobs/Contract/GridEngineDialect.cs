using Flepimop2.Jobs;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Jobs.GridEngine;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>
/// Grid Engine's side of the contract: array tasks <c>ID.N</c> from 1, logs <c>gridengine-$JOB_ID[.$TASK_ID].out</c>, an end
/// read from the accounting file's <c>failed</c> and exit status, a time limit of seconds.
/// </summary>
internal sealed class GridEngineDialect : SchedulerDialect
{
    public static readonly GridEngineDialect Instance = new();

    public override string SubmitTool => "qsub";

    public override IReadOnlyList<string> BatchedStatusCalls { get; } = ["qstat"];

    public override TimeLimitCase TimeLimit { get; } = new("0:5", 5, "ran out of time: it reached its h_rt limit of 0:00:05", "0-00:00:10");

    public override string Refusal => "unknown queue \"nope\"";

    public override JobRunner Create(RunnerSettings settings) => GridEngineRunners.Create(settings);

    public override IReadOnlyDictionary<string, string> Detail(Ending ending) => ending switch
    {
        Ending.Running => new Dictionary<string, string> { ["state"] = "r" },
        Ending.Completed => new Dictionary<string, string> { ["state"] = "done", ["failed"] = "0" },
        Ending.Failed => new Dictionary<string, string> { ["state"] = "failed", ["failed"] = "0" },

        // qdel kills a running job with SIGKILL: "assumedly after job".
        Ending.Cancelled => new Dictionary<string, string> { ["failed"] = "100", ["exit_code"] = "137", ["signal"] = "9" },
        _ => new Dictionary<string, string> { ["failed"] = "37", ["exit_code"] = "137" },
    };

    public override string LogFile(string directory, JobHandle handle, int? task = null) =>
        Path.Combine(directory, task is null ? $"gridengine-{handle.JobId}.out" : $"gridengine-{handle.JobId}.{task + 1}.out");

    public override string TaskId(JobHandle handle, int task) => $"{handle.JobId}.{task + 1}";

    public override string DryRunCommand(string script) => $"-t 1-3 -tc 2 {script}";

    public override async Task<bool> HoldsAsync(IProcessRunner tools, JobHandle handle)
    {
        // qstat -j fails for a job that has left (or never was).
        var answer = await tools.RunAsync(["qstat", "-j", handle.JobId], TimeSpan.FromSeconds(30), CancellationToken.None);
        return answer.ExitCode == 0;
    }
}
