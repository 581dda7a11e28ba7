using System.Text.Json.Nodes;
using Flepimop2.Commands;
using Flepimop2.Configuration;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell;

namespace Flepimop2.Tests.Jobs;

public sealed class JobRunnersSpecs
{
    [Theory]
    [InlineData("shell")]
    [InlineData("flepimop2.job.shell")]
    public void I_can_build_a_runner_from_a_short_or_fully_qualified_module_name(string module)
    {
        var runner = JobRunners.Build(new JsonObject { ["module"] = module, ["detach"] = false });

        var shell = Assert.IsType<ShellJobRunner>(runner);
        Assert.Equal("flepimop2.job.shell", shell.Module);
        Assert.Equal("shell", shell.Backend);
        Assert.False(shell.Options.Detach);
    }

    [Fact]
    public void I_can_build_a_runner_from_shorthand_text()
    {
        var runner = Assert.IsType<ShellJobRunner>(JobRunners.Build("shell(detach=false, cwd='/tmp/a, b')"));

        Assert.False(runner.Options.Detach);
        Assert.Equal("/tmp/a, b", runner.Options.Cwd);
        Assert.IsType<ShellJobRunner>(JobRunners.Build("shell()"));
    }

    [Theory]
    [InlineData("shell")]
    [InlineData("shell(detach)")]
    [InlineData("shell(detach=false")]
    [InlineData("shell(cwd='unclosed)")]
    public void Malformed_shorthand_is_a_configuration_error(string text)
    {
        Assert.Throws<Flepimop2ConfigurationException>(() => JobRunners.Build(text));
    }

    [Fact]
    public void An_unknown_module_is_an_error_that_lists_the_known_ones()
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => JobRunners.Build(new JsonObject { ["module"] = "shel" }));

        Assert.Equal("module", error.Field);
        Assert.Contains("unknown job module 'shel'", error.Message, StringComparison.Ordinal);
        Assert.Contains("flepimop2.job.shell", error.Message, StringComparison.Ordinal);
        Assert.Contains("flepimop2.job.slurm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_without_a_module_is_an_error_naming_the_field()
    {
        var error = Assert.Throws<Flepimop2ConfigurationException>(() => JobRunners.Build(new JsonObject { ["detach"] = true }));

        Assert.Equal("module", error.Field);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task I_can_register_my_own_runner_by_name()
    {
        JobRunners.Register("example.recording", config => new RecordingRunner(config));

        var runner = JobRunners.Build(new JsonObject { ["module"] = "example.recording" });
        var handle = Assert.IsType<JobHandle>(await runner.SubmitAsync(new ProcessCommand("/tmp/c.yaml")));

        Assert.Contains("example.recording", JobRunners.RegisteredModules);
        Assert.Equal("recording", handle.Backend);
        Assert.Equal("process /tmp/c.yaml", handle.JobId);
    }

    [Fact]
    public async Task A_validation_issue_stops_the_submission_before_it_reaches_the_backend()
    {
        var runner = new RecordingRunner([]) { Issues = [new ValidationIssue("no", "kind")] };

        await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.SubmitAsync(new ProcessCommand("/tmp/c.yaml")));
        await Assert.ThrowsAsync<Flepimop2ValidationException>(() => runner.StatusAsync(new JobHandle("1", "recording", DateTimeOffset.UtcNow)));

        Assert.Equal(0, runner.Submitted);
    }

    private sealed class RecordingRunner(JsonObject config) : JobRunner
    {
        public IReadOnlyList<ValidationIssue> Issues { get; init; } = [];

        public int Submitted { get; private set; }

        public override string Module => "example.recording";

        public override JsonObject ToConfiguration() => (JsonObject)config.DeepClone();

        protected override IReadOnlyList<ValidationIssue> ValidateSubmit() => Issues;

        protected override IReadOnlyList<ValidationIssue> ValidateStatus() => Issues;

        protected override Task<JobSubmission> SubmitCoreAsync(JobRequest request, CancellationToken cancellationToken)
        {
            Submitted++;
            return Task.FromResult<JobSubmission>(new JobHandle(string.Join(' ', [request.Command.CommandName, .. request.Command.ToArgv()]), Backend, DateTimeOffset.UtcNow));
        }

        protected override Task<JobStatusResult> StatusCoreAsync(JobHandle handle, CancellationToken cancellationToken) =>
            Task.FromResult(new JobStatusResult(handle, JobStatus.Successful));

        protected override Task CancelCoreAsync(JobHandle handle, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
