using Flepimop2.Jobs;
using Flepimop2.Jobs.Batch;
using Flepimop2.Jobs.Internal;

namespace Flepimop2.Tests.Jobs.Batch;

/// <summary>
/// A status round of a scheduler (<see cref="BatchStatus"/>) for handles whose record names nothing to ask about: each is
/// finished in an unknown way with a reason that says what its record lacks, and the scheduler is not asked.
/// </summary>
public sealed class BatchStatusSpecs : IDisposable
{
    private readonly BatchSpecsSetup _setup = new();

    public void Dispose() => _setup.Dispose();

    [Fact]
    public async Task A_job_whose_id_is_not_the_schedulers_and_a_sweep_whose_record_names_no_array_each_say_why_they_are_unknown()
    {
        var slurm = BatchSpecsSetup.Slurm();
        var runner = _setup.Runner(slurm);
        var job = new JobHandle("abc", "slurm", BatchSpecsSetup.Start);
        var sweep = _setup.Sweep(new SweepInfo(2, null), []);

        var results = await runner.StatusManyAsync([job, sweep]);

        Assert.Equal([JobStatus.FinishedUnknown, JobStatus.FinishedUnknown], results.Select(r => r.Status));
        Assert.Equal("'abc' is not a Slurm job id", results[0].Detail["reason"]!.ToString());
        Assert.Equal("the sweep's record names none of its job arrays (metadata.arrays is missing or damaged)", results[1].Detail["reason"]!.ToString());
        Assert.Empty(slurm.Calls);
    }
}
