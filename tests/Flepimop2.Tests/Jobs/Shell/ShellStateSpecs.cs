using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Subprocesses;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>The shell runner's state table, row by row, with no process in sight.</summary>
public sealed class ShellStateSpecs
{
    private static readonly JobHandle Detached = new("4242", "shell", DateTimeOffset.UtcNow) { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached", ["pid"] = 4242 } };

    private static ShellProcessCheck Check(string verdict, string? reason = null, char state = 'S') =>
        new(Enum.Parse<ShellProcessVerdict>(verdict), 4242, reason, new ProcessProbe(verdict != "Ended", 5, state, 4242, 1, 4242));

    [Theory]
    [InlineData(0, false, "successful", null, null)]
    [InlineData(7, false, "failed", null, null)]
    [InlineData(7, true, "failed", true, null)]
    [InlineData(143, true, "failed", true, 15)]
    [InlineData(137, true, "failed", true, 9)]
    [InlineData(0, true, "successful", null, null)]
    public void An_exit_record_decides_whatever_the_process_check_would_say(int code, bool cancelMarker, string status, bool? cancelled, int? signal)
    {
        var result = ShellStates.Detached(Detached, code, cancelMarker, Check("Running"), keepsExitRecord: true);

        Assert.Equal(status, result.Status.ToWireName());
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail["returncode"]!.ToJsonString());
        Assert.Equal(cancelled is null ? null : "true", result.Detail.GetValueOrDefault("cancelled")?.ToJsonString());
        Assert.Equal(signal?.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail.GetValueOrDefault("signal")?.ToJsonString());
    }

    [Theory]
    [InlineData("Running", true, "running", null)]
    [InlineData("Refused", true, "finished_unknown", "pid 1 cannot be")]
    [InlineData("NoPid", true, "finished_unknown", "records no process id")]
    [InlineData("NotTheJob", true, "finished_unknown", "ended without recording its exit code; pid 4242 now")]
    [InlineData("Ended", true, "finished_unknown", "its recorder was killed")]
    [InlineData("Ended", false, "finished_unknown", "the original flepimop2")]
    [InlineData("NotTheJob", false, "finished_unknown", "the original flepimop2")]
    public void Without_an_exit_record_the_process_check_decides(string verdict, bool keepsRecord, string status, string? reason)
    {
        var why = verdict switch
        {
            "Refused" => "pid 1 cannot be a job's process",
            "NoPid" => "the handle records no process id",
            "NotTheJob" => "pid 4242 now belongs to another process",
            _ => null,
        };

        var result = ShellStates.Detached(Detached, null, cancelled: false, Check(verdict, why), keepsRecord);

        Assert.Equal(status, result.Status.ToWireName());
        if (reason is null)
        {
            Assert.False(result.Detail.ContainsKey("reason"));
            Assert.Equal("\"sleeping\"", result.Detail["state"]!.ToJsonString());
        }
        else
        {
            Assert.Contains(reason, result.Detail["reason"]!.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 0}", "0", "successful", null)]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 3}", "0", "failed", null)]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 143, \"cancelled\": true}", "x", "failed", "15")]
    [InlineData("{\"mode\": \"blocking\"}", "5", "failed", null)]
    [InlineData("{\"mode\": \"blocking\"}", "zero", "finished_unknown", null)]
    public void A_blocking_job_is_decided_by_its_return_code_or_the_originals_job_id(string metadata, string jobId, string status, string? signal)
    {
        var handle = new JobHandle(jobId, "shell", DateTimeOffset.UtcNow)
        {
            Metadata = JsonNode.Parse(metadata)!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()),
        };

        var result = ShellStates.Blocking(handle);

        Assert.Equal(status, result.Status.ToWireName());
        Assert.Equal(signal, result.Detail.GetValueOrDefault("signal")?.ToJsonString());
    }

    private static string DetailJson(JobStatusResult result) =>
        new JsonObject([.. result.Detail.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))]).ToJsonString();

    [Theory]
    [InlineData(0, false, "Running", "{\"returncode\":0,\"pid\":4242,\"state\":\"exited\"}")]
    [InlineData(129, true, "Running", "{\"returncode\":129,\"pid\":4242,\"state\":\"exited\",\"cancelled\":true,\"signal\":1}")]
    [InlineData(128, true, "Running", "{\"returncode\":128,\"pid\":4242,\"state\":\"exited\",\"cancelled\":true}")]
    [InlineData(128, false, "Running", "{\"returncode\":128,\"pid\":4242,\"state\":\"exited\"}")]
    public void The_detail_of_a_recorded_exit_is_exactly_what_status_prints(int code, bool cancelled, string verdict, string detail)
    {
        var result = ShellStates.Detached(Detached, code, cancelled, Check(verdict), keepsExitRecord: true);

        Assert.Equal(detail, DetailJson(result));
    }

    [Theory]
    [InlineData("Running", true, "{\"pid\":4242,\"state\":\"sleeping\"}")]
    [InlineData("Ended", true, "{\"pid\":4242,\"state\":\"gone\",\"reason\":\"the process has ended without recording its exit code (its recorder was killed)\"}")]
    [InlineData("Ended", false, "{\"pid\":4242,\"state\":\"gone\",\"reason\":\"the job has ended; it was started by a program that keeps no exit-code record (the original flepimop2)\"}")]
    [InlineData("NotTheJob", false, "{\"pid\":4242,\"state\":\"pid reused\",\"reason\":\"the job has ended; why; it was started by a program that keeps no exit-code record (the original flepimop2)\"}")]
    [InlineData("NotTheJob", true, "{\"pid\":4242,\"state\":\"pid reused\",\"reason\":\"the process has ended without recording its exit code; why\"}")]
    [InlineData("Refused", true, "{\"pid\":4242,\"reason\":\"why\"}")]
    public void The_detail_without_an_exit_record_is_exactly_what_status_prints(string verdict, bool keepsRecord, string detail)
    {
        var result = ShellStates.Detached(Detached, null, cancelled: false, Check(verdict, "why"), keepsRecord);

        Assert.Equal(detail, DetailJson(result));
    }

    [Fact]
    public void A_zombie_that_was_the_job_shows_its_state_and_a_refused_pid_of_zero_shows_none()
    {
        var zombie = ShellStates.Detached(Detached, null, false, new ShellProcessCheck(ShellProcessVerdict.Ended, 4242, null, new ProcessProbe(true, 5, 'Z', 4242, 1, 4242)), true);
        var zero = ShellStates.Detached(Detached, null, false, new ShellProcessCheck(ShellProcessVerdict.Refused, 0, "no", default), true);

        Assert.Equal("\"zombie\"", zombie.Detail["state"]!.ToJsonString());
        Assert.Equal("{\"reason\":\"no\"}", DetailJson(zero));
    }

    [Theory]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 0, \"pid\": 9}", "{\"returncode\":0,\"pid\":9,\"state\":\"exited\"}")]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 143, \"cancelled\": true}", "{\"returncode\":143,\"state\":\"exited\",\"cancelled\":true,\"signal\":15}")]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 128, \"cancelled\": true}", "{\"returncode\":128,\"state\":\"exited\",\"cancelled\":true}")]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 0, \"cancelled\": true}", "{\"returncode\":0,\"state\":\"exited\"}")]
    [InlineData("{\"mode\": \"blocking\", \"returncode\": 143, \"cancelled\": false}", "{\"returncode\":143,\"state\":\"exited\"}")]
    [InlineData("{\"mode\": \"blocking\"}", "{\"reason\":\"the handle has no return code\"}")]
    public void The_detail_of_a_blocking_job_is_exactly_what_status_prints(string metadata, string detail)
    {
        var handle = new JobHandle("zero", "shell", DateTimeOffset.UtcNow) { Metadata = JsonNode.Parse(metadata)!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()) };

        Assert.Equal(detail, DetailJson(ShellStates.Blocking(handle)));
    }

    [Fact]
    public void A_missing_handle_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => ShellStates.Blocking(null!));
        Assert.Throws<ArgumentNullException>(() => ShellStates.Detached(null!, 0, false, default, true));
    }
}
