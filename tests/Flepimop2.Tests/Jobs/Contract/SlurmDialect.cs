using Flepimop2.Jobs;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Jobs.Slurm;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Contract;

/// <summary>Slurm's side of the contract: job arrays <c>ID_INDEX</c> from 0, logs <c>slurm-%j.out</c> and <c>slurm-%A_%a.out</c>, one minute at the least.</summary>
internal sealed class SlurmDialect : SchedulerDialect
{
    public static readonly SlurmDialect Instance = new();

    public override string SubmitTool => "sbatch";

    public override IReadOnlyList<string> BatchedStatusCalls { get; } = ["squeue", "sacct"];

    public override TimeLimitCase TimeLimit { get; } = new("1", 60, "ran out of time: it reached its time limit of 00:01:00", "0-00:02:00");

    public override string Refusal => "invalid partition specified: nope";

    public override JobRunner Create(RunnerSettings settings) => SlurmRunners.Create(settings);

    public override IReadOnlyDictionary<string, string> Detail(Ending ending) => new Dictionary<string, string>
    {
        ["state"] = ending switch
        {
            Ending.Running => "RUNNING",
            Ending.Completed => "COMPLETED",
            Ending.Failed => "FAILED",
            Ending.Cancelled => "CANCELLED",
            _ => "TIMEOUT",
        },
    };

    public override string LogFile(string directory, JobHandle handle, int? task = null) =>
        Path.Combine(directory, task is null ? $"slurm-{handle.JobId}.out" : $"slurm-{handle.JobId}_{task}.out");

    public override string TaskId(JobHandle handle, int task) => $"{handle.JobId}_{task}";

    public override string DryRunCommand(string script) => $"sbatch --parsable --array=0-2%2 {script} 0";

    public override async Task<bool> HoldsAsync(IProcessRunner tools, JobHandle handle)
    {
        // Without -t, squeue lists only the tasks that are waiting or running.
        var answer = await tools.RunAsync(["squeue", "-h", "-r", "-o", "%i", "-j", handle.JobId], TimeSpan.FromSeconds(30), CancellationToken.None);
        return answer.ExitCode == 0 && answer.Stdout.Trim().Length > 0;
    }
}
