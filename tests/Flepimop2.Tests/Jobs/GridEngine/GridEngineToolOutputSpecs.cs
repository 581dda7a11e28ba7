using Flepimop2.Jobs.GridEngine.Internal;
using Flepimop2.Subprocesses;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.GridEngine;

/// <summary>What qsub printed goes into an error message only when it holds no environment values.</summary>
public sealed class GridEngineToolOutputSpecs
{
    /// <summary>What <c>qsub -verify</c> prints instead of a job id: the job's details, its whole environment among them.</summary>
    private const string Verified =
        "==============================================================\n" +
        "job_number:                 unassigned\n" +
        "job_name:                   flepimop2.process.config.ok\n" +
        "env_list:                   HOME=/root,SECRET_TOKEN=hunter2-value,PATH=/usr/bin\n" +
        "script_file:                /tmp/s.sh\n";

    [Theory]
    [InlineData(0, Verified, "")]
    [InlineData(1, Verified, "")]
    [InlineData(1, "", Verified)]
    public async Task A_qsub_answer_that_lists_the_jobs_environment_is_not_quoted_in_the_error(int exitCode, string stdout, string stderr)
    {
        var client = new GridEngineClient(new CannedTools(_ => new ProcessResult(exitCode, stdout, stderr)), TimeProvider.System, TimeSpan.FromSeconds(5), "/nonexistent/accounting");

        var error = await Assert.ThrowsAsync<JobBackendException>(() => client.SubmitAsync(["qsub", "-terse", "/tmp/s.sh"], "/tmp/s.sh", CancellationToken.None));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("HOME=", error.Message, StringComparison.Ordinal);
        Assert.Contains("(output not shown: it lists the job's environment)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_other_answer_is_quoted_line_by_line()
    {
        var client = new GridEngineClient(new CannedTools(_ => new ProcessResult(1, string.Empty, "Unable to run job: unknown resource \"xyz\".\nExiting.\n")), TimeProvider.System, TimeSpan.FromSeconds(5), "/nonexistent/accounting");

        var error = await Assert.ThrowsAsync<JobBackendException>(() => client.SubmitAsync(["qsub", "-terse", "/tmp/s.sh"], "/tmp/s.sh", CancellationToken.None));

        Assert.StartsWith("qsub rejected the job: Unable to run job: unknown resource \"xyz\".; Exiting. (script: /tmp/s.sh)", error.Message, StringComparison.Ordinal);
    }
}
