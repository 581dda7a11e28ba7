using System.Text.Json.Nodes;
using Flepimop2.Jobs;
using Flepimop2.Jobs.Shell.Internal;
using Flepimop2.Processes;

namespace Flepimop2.Tests.Jobs.Shell;

/// <summary>The shell runner's state table, row by row, with no process in sight.</summary>
public sealed class ShellStateSpecs
{
    private static readonly JobHandle Detached = new("4242", "shell") { Metadata = new Dictionary<string, JsonNode?> { ["mode"] = "detached", ["pid"] = 4242 } };

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
        var handle = new JobHandle(jobId, "shell")
        {
            Metadata = JsonNode.Parse(metadata)!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone()),
        };

        var result = ShellStates.Blocking(handle);

        Assert.Equal(status, result.Status.ToWireName());
        Assert.Equal(signal, result.Detail.GetValueOrDefault("signal")?.ToJsonString());
    }
}
