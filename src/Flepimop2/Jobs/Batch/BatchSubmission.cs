using Flepimop2.Commands;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Jobs.Batch;

/// <summary>Everything one submission to a scheduler has settled before it is released, for the scheduler's pieces to render.</summary>
/// <param name="Request">The request.</param>
/// <param name="Chdir">The job's working directory, absolute.</param>
/// <param name="RunDirectory">Its run directory: its script, a sweep's table, and the exit records its tasks write.</param>
/// <param name="ScriptPath">Where its script is written.</param>
/// <param name="Table">A sweep's task table, or null.</param>
/// <param name="JobName">The job's name on the scheduler.</param>
/// <param name="Predecessors">The jobs it waits for.</param>
/// <param name="MaxParallel">A sweep's limit of array tasks at once, or null.</param>
/// <param name="TasksPerJob">How many of a sweep's tasks each array task runs, one after another (1 for one job).</param>
internal sealed record BatchSubmission(
    JobRequest Request,
    string Chdir,
    string RunDirectory,
    string ScriptPath,
    string? Table,
    string JobName,
    IReadOnlyList<BatchPredecessor> Predecessors,
    int? MaxParallel,
    int TasksPerJob = 1)
{
    /// <summary>The commands the submission runs: a sweep's tasks, or the one command.</summary>
    public IReadOnlyList<CliCommand> Commands => Request.Tasks ?? [Request.Command];

    /// <summary>The <c>FLEPIMOP2_TASK_COUNT</c> a sweep's tasks see.</summary>
    public int TaskCount => Request.TaskCount ?? Commands.Count;

    /// <summary>How many array tasks run the sweep: its tasks, or for a packed sweep ⌈tasks / <see cref="TasksPerJob"/>⌉.</summary>
    public int Slots => Packing.Slots(Commands.Count, TasksPerJob);

    /// <summary>Whether each array task runs more than one task.</summary>
    public bool Packed => TasksPerJob > 1;
}
