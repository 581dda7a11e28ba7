using Flepimop2.Commands;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;
using Flepimop2.Tests.Support;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>
/// A detached shell job or sweep is recorded before it can start (<see cref="JobRequest.BeforeRelease"/>): its process waits
/// for the word to run, given only once the record is written; a record that fails leaves it never run.
/// </summary>
public sealed class ShellReleaseSpecs : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private ShellJobRunner Runner() =>
        new(new ShellJobOptions { Detach = true, Executable = TestPaths.Dummy, LogDirectory = _temp.Combine("logs") });

    /// <summary>One job that leaves a mark, or a sweep of three whose tasks each leave theirs.</summary>
    private static JobRequest Request(bool sweep, string marks) => sweep
        ? JobRequest.Sweep([.. Enumerable.Range(0, 3).Select(_ => (CliCommand)new DummyCommand("task", marks, string.Empty, "0"))])
        : new JobRequest(new ArgvCommand(["sh", "-c", "touch \"$1\"", "sh", Path.Combine(marks, "0.end")], runsFlepimop2: false));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Nothing_of_a_detached_submission_starts_until_its_record_is_written(bool sweep)
    {
        var runner = Runner();
        var marks = Directory.CreateDirectory(_temp.Combine("marks")).FullName;
        var seenWhileRecording = -1;
        var request = Request(sweep, marks) with
        {
            BeforeRelease = async (_, token) =>
            {
                // Long enough for a released job to have started and left its mark.
                await Task.Delay(TimeSpan.FromSeconds(2), token);
                seenWhileRecording = Directory.EnumerateFiles(marks).Count();
            },
        };

        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(request));
        var last = await Eventually.Until(() => runner.StatusAsync(handle), r => r.Status.IsFinished());

        Assert.Equal(0, seenWhileRecording);
        Assert.Equal(JobStatus.Successful, last.Status);
        Assert.Equal(sweep ? 3 : 1, Directory.EnumerateFiles(marks, "*.end").Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_detached_submission_whose_record_fails_never_runs(bool sweep)
    {
        var runner = Runner();
        var marks = Directory.CreateDirectory(_temp.Combine("marks")).FullName;
        var request = Request(sweep, marks) with { BeforeRelease = (_, _) => throw new IOException("No space left on device") };

        var refused = await Assert.ThrowsAsync<Flepimop2Exception>(() => runner.SubmitAsync(request));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);
        Assert.Contains("withdrawn before it started, so it never ran", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(marks));
    }
}
